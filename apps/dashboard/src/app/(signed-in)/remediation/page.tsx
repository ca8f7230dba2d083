// Automatic remediation: health rules bound to commands, run inside maintenance windows in each
// machine's local time. Everyone sees the remediations and each machine's state; admins configure.
import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { requireUser } from "~/server/session";
import { RemediationView } from "./remediation-view";

export const metadata: Metadata = { title: "Remediation · Cachefleet" };

export default async function RemediationPage() {
  const user = await requireUser();
  return (
    <PageMain>
      <PageHeader
        title="Remediation"
        description="Fix machines automatically: when a machine fails a health rule, push a command to it inside a maintenance window in its own local time, a few machines at a time, retrying failures."
      />
      <RemediationView canEdit={user.role === "admin"} />
    </PageMain>
  );
}
