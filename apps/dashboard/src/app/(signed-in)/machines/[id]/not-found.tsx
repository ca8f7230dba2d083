// Shown for a machine id that does not exist (or no longer does).
import Link from "next/link";
import { EmptyState } from "~/components/empty-state";
import { PageMain } from "~/components/page-main";
import { Button } from "~/components/ui/button";

export default function MachineNotFound() {
  return (
    <PageMain>
      <div data-testid="machine-not-found">
        <EmptyState
          title={<span role="heading" aria-level={1}>Machine not found</span>}
          description="There is no machine with this id. It may have been removed, or the link is wrong."
          action={
            <Button asChild variant="outline">
              <Link href="/">Back to the fleet</Link>
            </Button>
          }
        />
      </div>
    </PageMain>
  );
}
