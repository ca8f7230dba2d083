// What a step's log says about `go list std`: it prints one import path per line, about 300, and a
// log that lists them all buries the lines that matter (the helper's, an error's). The log gets how
// many packages were listed (each one's entries now in the cache) and the first few names.

/** How many names the summary shows. */
export const namesShown = 3;

export function summarizePackageListing(stdout: string): string {
  const packages = stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (packages.length === 0) return "go list std listed no packages";
  const rest = packages.length - namesShown;
  const sample = `${packages.slice(0, namesShown).join(", ")}${rest > 0 ? ` and ${rest} more` : ""}`;
  return `go list std: ${packages.length} standard library ${packages.length === 1 ? "package" : "packages"} in the cache (${sample})`;
}
