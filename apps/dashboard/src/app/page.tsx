// The fleet: every enrolled machine and the state of its Go build cache.
import { TopBar } from "~/components/top-bar";
import { requireUser } from "~/server/session";
import { FleetTable } from "./fleet-table";

export default async function FleetPage() {
  const user = await requireUser();
  return (
    <>
      <TopBar user={user} />
      <main>
        <FleetTable canPush={user.role === "admin"} />
      </main>
    </>
  );
}
