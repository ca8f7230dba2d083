// Shown while a page's server work (session, first query) is under way.
import { LoadingState } from "~/components/loading-state";
import { PageMain } from "~/components/page-main";
import { Skeleton } from "~/components/ui/skeleton";

export default function Loading() {
  return (
    <>
      <div className="h-14 border-b" aria-hidden />
      <PageMain>
        <Skeleton className="mb-6 h-8 w-48" aria-hidden />
        <LoadingState label="Loading the page…" rows={8} />
      </PageMain>
    </>
  );
}
