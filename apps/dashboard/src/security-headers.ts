// The dashboard's security headers, in one place: the page policy proxy.ts sends with a nonce,
// and the headers next.config.ts adds to every response, API routes and static files included.

/**
 * Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic').
 * Styles: the dashboard's stylesheets, plus inline style attributes, which the chart and menu
 * components set at run time and which CSP cannot allow by nonce. Nothing may frame a page, and
 * forms post only to the dashboard.
 */
export function contentSecurityPolicy(nonce: string, options: { allowEval: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.allowEval ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** On every response: no framing (for browsers without frame-ancestors too), no sniffing, no referrer beyond the origin. */
export const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
] as const;
