// Enrollment: how to install an agent against this dashboard, the team's enrollment secrets and
// the machines enrolled with them. Admins create and revoke; viewers read.
import { headers } from "next/headers";
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { requireUser } from "~/server/session";
import { EnrollmentView } from "./enrollment-view";

/** This dashboard's origin as the browser reached it (through a proxy's forwarded headers when there is one). */
async function requestOrigin(): Promise<string> {
  const list = await headers();
  const host = list.get("x-forwarded-host")?.split(",")[0]?.trim() ?? list.get("host") ?? "localhost:3000";
  const proto = list.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? "http";
  return `${proto}://${host}`;
}

export default async function EnrollmentPage() {
  const user = await requireUser();
  return (
    <PageMain>
      <PageHeader title="Enrollment" description="Install the agent on a Mac, manage the secrets that enroll it, and revoke machines." />
      <EnrollmentView origin={await requestOrigin()} canEdit={user.role === "admin"} />
    </PageMain>
  );
}
