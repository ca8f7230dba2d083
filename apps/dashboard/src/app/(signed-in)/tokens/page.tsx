// API tokens for automation: admins create (the token is shown once), list and revoke them, with
// the curl line that uses one. Viewers are told to ask an admin.
import type { Metadata } from "next";
import { headers } from "next/headers";
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { originFromHeaders } from "~/server/request-origin";
import { requireUser } from "~/server/session";
import { TokensView } from "./tokens-view";

export const metadata: Metadata = { title: "API tokens · Cachefleet" };

export default async function TokensPage() {
  const user = await requireUser();
  return (
    <PageMain>
      <PageHeader
        title="API tokens"
        description="Tokens let scripts call this dashboard's API without a person's session. A read token may query; an admin token may also change things. Every change made with one shows in Activity under its name."
      />
      <TokensView origin={originFromHeaders(await headers())} isAdmin={user.role === "admin"} />
    </PageMain>
  );
}
