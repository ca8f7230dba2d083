// API tokens for automation: admins create (the token is shown once), list and revoke them, with
// the curl line that uses one. Viewers are told to ask an admin.
import type { Metadata } from "next";
import { headers } from "next/headers";
import { PageHeader } from "~/components/page-header";
import { PageMain } from "~/components/page-main";
import { TopBar } from "~/components/top-bar";
import { requireUser } from "~/server/session";
import { TokensView } from "./tokens-view";

export const metadata: Metadata = { title: "API tokens · Cachefleet" };

/** This dashboard's origin as the browser reached it (through a proxy's forwarded headers when there is one). */
async function requestOrigin(): Promise<string> {
  const list = await headers();
  const host = list.get("x-forwarded-host")?.split(",")[0]?.trim() ?? list.get("host") ?? "localhost:3000";
  const proto = list.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? "http";
  return `${proto}://${host}`;
}

export default async function TokensPage() {
  const user = await requireUser();
  return (
    <>
      <TopBar user={user} />
      <PageMain>
        <PageHeader
          title="API tokens"
          description="Tokens let scripts call this dashboard's API without a person's session. A read token may query; an admin token may also change things. Every change made with one shows in Activity under its name."
        />
        <TokensView origin={await requestOrigin()} isAdmin={user.role === "admin"} />
      </PageMain>
    </>
  );
}
