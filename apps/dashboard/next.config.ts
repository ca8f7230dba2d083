// Next.js configuration of the dashboard.
import type { NextConfig } from "next";
import { securityHeaders } from "./src/security-headers";

const nextConfig: NextConfig = {
  // Loaded by Node instead of bundled: native drivers and Prisma's runtime (found through the
  // workspace packages that depend on them; Next links them under .next/node_modules). The
  // workspace packages themselves are bundled like the dashboard's own code: Turbopack bundles
  // them even when listed here (vercel/next.js#84388, still so in 16.4). So db finds no file
  // through its own location (src/env.ts hands it its folders), and its per-process state is
  // kept process-wide, as each server layer gets its own copy (packages/db process-wide.ts).
  serverExternalPackages: [
    "@prisma/client",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "better-sqlite3",
    "pg",
  ],
  poweredByHeader: false,
  // The Content-Security-Policy of pages comes from src/proxy.ts, with a nonce per request.
  headers: async () => [{ source: "/:path*", headers: [...securityHeaders] }],
};

export default nextConfig;
