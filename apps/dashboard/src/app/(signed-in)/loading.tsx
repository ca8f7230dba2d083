// Shown below the top bar while a page's server work (its first query) is under way.
import { LoadingState } from "~/components/loading-state";
import { PageMain } from "~/components/page-main";
import { Skeleton } from "~/components/ui/skeleton";

export default function Loading() {
  return (
    <PageMain>
      <Skeleton className="mb-6 h-8 w-48" aria-hidden />
      <LoadingState label="Loading the page…" rows={8} />
    </PageMain>
  );
}
