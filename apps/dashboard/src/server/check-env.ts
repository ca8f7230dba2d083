// Imported once at server start (see instrumentation.ts): exits when the environment is invalid.
import "server-only";
try {
  await import("~/env");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

export {};
