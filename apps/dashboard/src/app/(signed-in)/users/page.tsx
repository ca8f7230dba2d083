// The team's accounts: everyone sees who has access and with which role; admins manage them.
import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { requireUser } from "~/server/session";
import { UsersView } from "./users-view";

export const metadata: Metadata = { title: "Users · Cachefleet" };

export default async function UsersPage() {
  const user = await requireUser();
  const isAdmin = user.role === "admin";
  return (
    <PageMain>
      <PageHeader
        title="Users"
        description={
          isAdmin
            ? "Admins push commands and manage users, secrets and policy; viewers only read."
            : "Who can sign in to this dashboard. Only admins can change accounts."
        }
      />
      <UsersView isAdmin={isAdmin} />
    </PageMain>
  );
}
