// CSV export of the audit: one check's machines (?check=plaintext) or those failing any (?check=all).
import { createCaller, formatCsv } from "@cachefleet/api";
import { getServices } from "~/server/services";
import { currentUser } from "~/server/session";
import { isAuditCheck } from "../checks";

const header = ["hostname", "user", "go_version", "cache_verdict", "keychain_key", "rosetta", "failing_rules", "last_seen", "machine_id"];
const pageSize = 10_000;

export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return new Response("Sign in first.\n", { status: 401, headers: { "content-type": "text/plain; charset=utf-8" } });
  const param = new URL(request.url).searchParams.get("check") ?? "all";
  if (param !== "all" && !isAuditCheck(param)) {
    return new Response(`Unknown check "${param}".\n`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  const check = param === "all" ? null : param;
  const services = await getServices();
  const audit = createCaller({ ...services, user, agentToken: null }).audit;
  const rows: (string | boolean | null)[][] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await audit.machines({ check, page: pageNumber, pageSize });
    for (const row of page.rows) {
      rows.push([row.hostname, row.username, row.goVersion, row.cacheVerdict, row.keychainKey, row.rosetta, row.findingRules.join(" "), row.lastSeenAt, row.id]);
    }
    if (page.rows.length < pageSize) break;
  }
  const filename = `cachefleet-audit-${param}-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(formatCsv(header, rows), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}
