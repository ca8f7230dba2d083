// The fleet: every enrolled machine and the state of its Go build cache. The first page is
// answered on the server, from the filters in the URL, and handed to the table's own query, so the
// table shows without a loading flash.
import { PageMain } from "~/components/page-main";
import { getServices } from "~/server/services";
import { requireUser } from "~/server/session";
import { HydrateClient, prefetch, trpc } from "~/trpc/server";
import { FleetTable } from "./fleet-table";
import { queryFromSearchParams } from "./fleet-url";

interface FleetPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function FleetPage({ searchParams }: FleetPageProps) {
  const user = await requireUser();
  const query = queryFromSearchParams(await searchParams);
  const failure = await prefetch(trpc.fleet.list.queryOptions(query));
  if (failure) {
    // The table asks again from the browser and shows the error there if it persists.
    (await getServices()).logger.error({ err: failure }, "fleet page: the first page could not be read");
  }
  return (
    <PageMain>
      <HydrateClient>
        <FleetTable canPush={user.role === "admin"} />
      </HydrateClient>
    </PageMain>
  );
}
