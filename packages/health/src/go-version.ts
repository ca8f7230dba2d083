// Go version strings as `go env GOVERSION` prints them: "go1.22.2", "go1.21rc2", "devel go1.23-abc".

/** [major, minor, patch] or null when the string names no Go release. */
export function parseGoVersion(version: string): [number, number, number] | null {
  const match = /go(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** Whether `version` is the release `minimum` ("1.22") or later; unknown versions are not. */
export function isGoVersionAtLeast(version: string, minimum: string): boolean {
  const have = parseGoVersion(version);
  const want = parseGoVersion(`go${minimum}`);
  if (!have || !want) return false;
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0;
    const b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}
