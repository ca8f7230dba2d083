// Next.js configuration of the dashboard.
import type { NextConfig } from "next";
import { securityHeaders } from "./src/security-headers";

const nextConfig: NextConfig = {
  // Loaded by Node instead of bundled: the database packages load native drivers and find their
  // generated client and migrations through import.meta.dirname. Turbopack honours this list only
  // for packages under node_modules, not for workspace packages (vercel/next.js#84388), so the
  // server code also imports @cachefleet/* through src/server/backend.ts, which the bundler skips.
  serverExternalPackages: [
    "@cachefleet/db",
    "@cachefleet/api",
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
