// GOBIN as `go install` uses it, said the same way wherever the machine page shows it: the GOBIN
// setting, else Go's default, the first GOPATH entry's bin (go help gopath), marked as the default.
import type { GoEnv } from "@cachefleet/contract";
import { Muted } from "./section";

export interface Gobin {
  dir: string;
  /** Not set: Go's default, $GOPATH/bin. */
  isDefault: boolean;
}

/** From `go env`: null when neither GOBIN nor GOPATH is set (Go then installs nowhere). */
export function gobinFromEnv(env: GoEnv): Gobin | null {
  if (env.GOBIN) return { dir: env.GOBIN, isDefault: false };
  const separator = env.GOOS === "windows" ? ";" : ":";
  const firstGopath = env.GOPATH.split(separator).find((entry) => entry !== "");
  if (!firstGopath) return null;
  const slash = env.GOOS === "windows" ? "\\" : "/";
  return { dir: `${firstGopath.replace(/[\\/]+$/, "")}${slash}bin`, isDefault: true };
}

export function GobinValue({ gobin }: { gobin: Gobin | null }) {
  if (!gobin) return <Muted>neither GOBIN nor GOPATH set</Muted>;
  return (
    <span data-testid="gobin">
      <code className="text-xs">{gobin.dir}</code>
      {gobin.isDefault ? <Muted> (the default, $GOPATH/bin: GOBIN is not set)</Muted> : null}
    </span>
  );
}
