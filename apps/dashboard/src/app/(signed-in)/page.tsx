// The fleet: every enrolled machine and the state of its Go build cache. The first page is
// answered on the server, from the filters in the URL, so the table shows without a loading flash.
import type { RouterOutputs } from "@cachefleet/api";
import { PageMain } from "~/components/page-main";
import { createCaller } from "@cachefleet/api";
import { getServices } from "~/server/services";
import { requireUser } from "~/server/session";
import { FleetTable } from "./fleet-table";
import { queryFromSearchParams } from "./fleet-url";

interface FleetPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function FleetPage({ searchParams }: FleetPageProps) {
  const user = await requireUser();
  const query = queryFromSearchParams(await searchParams);
  const services = await getServices();
  let initial: RouterOutputs["fleet"]["list"] | null = null;
  try {
    initial = await createCaller({ ...services, user, agentToken: null }).fleet.list(query);
  } catch (error) {
    // The table asks again from the browser and shows the error there if it persists.
    services.logger.error({ err: error }, "fleet page: the first page could not be read");
  }
  return (
    <PageMain>
      <FleetTable canPush={user.role === "admin"} initialQuery={query} initial={initial} />
    </PageMain>
  );
}
