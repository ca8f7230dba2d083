// The content column of a signed-in page, right below the top bar.
import type { ComponentProps } from "react";
import { cn } from "~/lib/utils";

export function PageMain({ className, ...props }: ComponentProps<"main">) {
  return <main data-slot="page-main" className={cn("mx-auto w-full max-w-7xl px-4 py-6 sm:px-6", className)} {...props} />;
}
