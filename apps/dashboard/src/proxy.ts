// Runs before every page: a fresh nonce per request and the Content-Security-Policy built on it.
// Next reads the nonce from the request's policy header and puts it on its own inline scripts;
// the root layout passes it to the one other inline script (next-themes'). Scripts without the
// nonce — an injected <script>, an inline handler — do not run, and no other site may frame a page.
import { NextResponse, type NextRequest } from "next/server";
import { env } from "~/env";
import { contentSecurityPolicy } from "./security-headers";

export function proxy(request: NextRequest): NextResponse {
  const nonce = btoa(crypto.randomUUID());
  // Next's development server evaluates code with eval() for fast refresh; production never does.
  const policy = contentSecurityPolicy(nonce, { allowEval: env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: API routes answer JSON or event streams, and static files carry no scripts.
      source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico|downloads/).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
