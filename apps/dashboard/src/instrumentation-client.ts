// Runs in the browser before the dashboard's own code. zod compiles object parsers with
// Function() when it may, and probes for that by calling Function(""): under the pages'
// Content-Security-Policy (no 'unsafe-eval') the probe is refused and reported as a violation.
// Its interpreted parsers need no eval; this must be set before the first parse, which some
// modules do as they load (fleet-url.ts reads its defaults that way).
import { z } from "zod";

z.config({ jitless: true });
