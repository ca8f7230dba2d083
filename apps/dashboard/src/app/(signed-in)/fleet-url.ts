// The fleet page's state in its URL, so a filtered view can be shared and survives a reload.
// Short parameter names; defaults are left out; a value the page would not send is ignored.
import { FleetQuery, type FleetQueryInput } from "@cachefleet/contract";

type Field = keyof FleetQueryInput;

/** URL parameter → query field. */
const parameters = {
  page: "page",
  size: "pageSize",
  sort: "sort",
  dir: "direction",
  q: "search",
  verdict: "verdict",
  health: "health",
  arch: "arch",
  go: "goVersion",
  keychain: "keychainKey",
  findings: "findings",
  presence: "presence",
} as const satisfies Record<string, Field>;

const numeric = new Set<Field>(["page", "pageSize"]);
const defaults = FleetQuery.parse({});

export type SearchParamsLike = URLSearchParams | Record<string, string | string[] | undefined>;

function read(params: SearchParamsLike, name: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

export function queryFromSearchParams(params: SearchParamsLike): FleetQuery {
  const input: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(parameters)) {
    const text = read(params, name);
    if (text === undefined || text === "") continue;
    const value = numeric.has(field) ? Number(text) : text;
    const parsed = FleetQuery.shape[field].safeParse(value);
    if (parsed.success && parsed.data !== undefined) input[field] = parsed.data;
  }
  return FleetQuery.parse(input);
}

export function searchFromQuery(query: FleetQuery): string {
  const params = new URLSearchParams();
  for (const [name, field] of Object.entries(parameters)) {
    const value = query[field];
    if (value === undefined || value === "" || value === defaults[field]) continue;
    params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : "";
}
