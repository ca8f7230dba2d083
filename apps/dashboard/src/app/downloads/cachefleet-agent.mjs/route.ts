// Serves the agent as the one bundled file `node` runs (apps/agent/dist/cli.js), so a Mac needs
// only Node: `curl -fsSL <dashboard>/downloads/cachefleet-agent.mjs`. Public on purpose: the file
// holds no secret, and enrolling still needs one. The ETag is the file's SHA-256.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { paths } from "~/env";

export const dynamic = "force-dynamic";

interface Bundle {
  body: Buffer;
  etag: string;
  mtimeMs: number;
  size: number;
}

let cached: Bundle | null = null;

/** The built agent, read again only when the file changed (a rebuild while the dashboard runs). */
async function readBundle(file: string): Promise<Bundle | null> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return null;
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
  const body = await readFile(file);
  cached = { body, etag: `"sha256-${createHash("sha256").update(body).digest("hex")}"`, mtimeMs: info.mtimeMs, size: info.size };
  return cached;
}

export async function GET(request: Request): Promise<Response> {
  const bundle = await readBundle(paths.agentBundle);
  if (!bundle) {
    return new Response("The agent has not been built on this dashboard's server: run `pnpm build` (or `pnpm turbo run build`) in the repository, then download again.\n", {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "60", "cache-control": "no-store" },
    });
  }
  const headers = {
    etag: bundle.etag,
    "cache-control": "no-cache",
    "x-content-sha256": bundle.etag.slice("\"sha256-".length, -1),
  };
  if (request.headers.get("if-none-match")?.split(",").some((tag) => tag.trim() === bundle.etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(new Uint8Array(bundle.body), {
    headers: {
      ...headers,
      "content-type": "text/javascript; charset=utf-8",
      "content-length": String(bundle.body.length),
      "content-disposition": 'attachment; filename="cachefleet-agent.mjs"',
    },
  });
}
