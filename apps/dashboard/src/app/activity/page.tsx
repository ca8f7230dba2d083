// The activity log: sign-ins, enrollment secrets, machines, policy changes and commands.
import { TopBar } from "~/components/top-bar";
import { requireUser } from "~/server/session";
import { ActivityTable } from "./activity-table";

export default async function ActivityPage() {
  const user = await requireUser();
  return (
    <>
      <TopBar user={user} />
      <main>
        <h1>Activity</h1>
        <ActivityTable />
      </main>
    </>
  );
}
