// One push to several machines: a status row per machine, with each step's live log.
import { PageMain } from "~/components/page-main";
import { requireUser } from "~/server/session";
import { BatchView } from "./batch-view";

export default async function BatchPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  return (
    <PageMain>
      <BatchView batchId={id} canControl={user.role === "admin"} />
    </PageMain>
  );
}
