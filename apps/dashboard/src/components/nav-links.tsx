"use client";
// The dashboard's sections: inline links on wide screens (nine of them need 1280 px), a menu
// button on narrower ones.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { MenuIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "~/components/ui/dropdown-menu";
import { cn } from "~/lib/utils";

export const sections = [
  { href: "/", label: "Fleet" },
  { href: "/audit", label: "Audit" },
  { href: "/activity", label: "Activity" },
  { href: "/enrollment", label: "Enrollment" },
  { href: "/policy", label: "Policy" },
  { href: "/users", label: "Users" },
  { href: "/remediation", label: "Remediation" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/tokens", label: "API tokens" },
] as const;

/** Machine and batch pages belong to the fleet; every other section owns its path and below. */
function isCurrent(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/" || pathname.startsWith("/machines/") || pathname.startsWith("/batches/");
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="hidden xl:block">
      <ul className="flex items-center gap-1">
        {sections.map(({ href, label }) => {
          const current = isCurrent(pathname, href);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap text-muted-foreground transition-colors outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  current && "bg-accent text-accent-foreground",
                )}
                data-slot="nav-link"
              >
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** On narrow screens the signed-in account is named here, as the bar has no room for it. */
export function NavMenu({ email, role }: { email: string; role: string }) {
  const pathname = usePathname();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" className="xl:hidden" aria-label="Navigation menu">
          <MenuIcon aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-56">
        <DropdownMenuLabel className="font-normal">
          <span className="block truncate">{email}</span>
          <span className="text-xs text-muted-foreground">{role}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        {sections.map(({ href, label }) => {
          const current = isCurrent(pathname, href);
          return (
            <DropdownMenuItem key={href} asChild className={cn(current && "bg-accent font-medium")}>
              <Link href={href} aria-current={current ? "page" : undefined}>
                {label}
              </Link>
            </DropdownMenuItem>
          );
        })}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
