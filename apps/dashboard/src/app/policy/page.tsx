// The team policy: what the health rules require of every machine. Admins edit; viewers read.
import { TopBar } from "~/components/top-bar";
import { requireUser } from "~/server/session";
import { PolicyForm } from "./policy-form";

export default async function PolicyPage() {
  const user = await requireUser();
  return (
    <>
      <TopBar user={user} />
      <main>
        <h1>Policy</h1>
        <PolicyForm canEdit={user.role === "admin"} />
      </main>
    </>
  );
}
