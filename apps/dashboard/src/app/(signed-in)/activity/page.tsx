// The activity log: sign-ins, enrollment secrets, machines, policy changes and commands.
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { requireUser } from "~/server/session";
import { ActivityTable } from "./activity-table";

export default async function ActivityPage() {
  // The layout checks too, but it is not rendered again when the browser comes here from another page.
  await requireUser();
  return (
    <PageMain>
      <PageHeader title="Activity" description="Who signed in, changed secrets, machines or the policy, and pushed commands: newest first." />
      <ActivityTable />
    </PageMain>
  );
}
