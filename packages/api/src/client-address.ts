// Who a request comes from, for per-address limits. X-Forwarded-For is any client's to write (and
// `next start` keeps a value the client sent), so it is read only when CACHEFLEET_TRUSTED_PROXY
// says how many proxies of ours stand in front: each appends the address it received from, so the
// client's is that many entries from the right. Without it every request counts as one address,
// "untrusted-network": a limit that a header cannot split into fresh buckets.
export const untrustedNetwork = "untrusted-network";

export function clientAddress(headers: Headers, trustedProxyHops: number): string {
  if (trustedProxyHops < 1) return untrustedNetwork;
  const hops = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => hop !== "");
  return hops[hops.length - trustedProxyHops] ?? untrustedNetwork;
}
