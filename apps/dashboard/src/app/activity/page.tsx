// The activity log: who pushed which command, when, to which machines, and how it ended.
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
