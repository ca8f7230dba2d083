// The activity log: sign-ins, enrollment secrets, machines, policy changes and commands.
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { TopBar } from "~/components/top-bar";
import { requireUser } from "~/server/session";
import { ActivityTable } from "./activity-table";

export default async function ActivityPage() {
  const user = await requireUser();
  return (
    <>
      <TopBar user={user} />
      <PageMain>
        <PageHeader title="Activity" description="Who signed in, changed secrets, machines or the policy, and pushed commands: newest first." />
        <ActivityTable />
      </PageMain>
    </>
  );
}
