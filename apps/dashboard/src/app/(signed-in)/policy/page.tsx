// The team policy: what the health rules require of every machine, and how long history is kept.
// Admins edit; viewers read.
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { requireUser } from "~/server/session";
import { PolicyForm } from "./policy-form";
import { RetentionForm } from "./retention-form";

export default async function PolicyPage() {
  const user = await requireUser();
  return (
    <PageMain className="max-w-3xl">
      <PageHeader title="Policy" description="What every machine is judged by. Saving evaluates every machine's findings again, at once." />
      <PolicyForm canEdit={user.role === "admin"} />
      <RetentionForm canEdit={user.role === "admin"} />
    </PageMain>
  );
}
