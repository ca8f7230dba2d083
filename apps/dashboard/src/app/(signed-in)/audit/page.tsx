// The audit: which machines still have plaintext caches, and every other check, with CSV export.
import type { Metadata } from "next";
import { PageMain } from "~/components/page-main";
import { requireUser } from "~/server/session";
import { AuditView } from "./audit-view";
import { isAuditCheck } from "./checks";

export const metadata: Metadata = { title: "Audit · Cachefleet" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ check?: string | string[] }> }) {
  const user = await requireUser();
  const { check } = await searchParams;
  const selected = typeof check === "string" && isAuditCheck(check) ? check : "plaintext";
  return (
    <PageMain>
      <AuditView check={selected} canPush={user.role === "admin"} />
    </PageMain>
  );
}
