// Webhooks: where fleet events go (signed JSON or Slack), for admins; the signature scheme is
// described on the page so a receiver can be written from it.
import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { requireUser } from "~/server/session";
import { WebhooksView } from "./webhooks-view";

export const metadata: Metadata = { title: "Webhooks · Cachefleet" };

export default async function WebhooksPage() {
  const user = await requireUser();
  return (
    <PageMain>
      <PageHeader
        title="Webhooks"
        description="Tell a chat channel or a service when a machine turns critical, a command or remediation fails, a machine stays offline, or a new one enrolls. One message per machine and event, retried until the receiver accepts it."
      />
      {user.role === "admin" ? <WebhooksView /> : <p className="text-sm text-muted-foreground">Only admins can see and manage webhooks: their URLs are secrets.</p>}
    </PageMain>
  );
}
