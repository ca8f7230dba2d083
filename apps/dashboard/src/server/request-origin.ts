// This dashboard's origin as the caller reached it: the Host header (or a proxy's forwarded
// host and protocol), not the URL Next.js rebuilds, which names localhost whatever was asked.
import "server-only";

export function originFromHeaders(headers: Headers): string {
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? headers.get("host") ?? "localhost:3000";
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? "http";
  return `${proto}://${host}`;
}
