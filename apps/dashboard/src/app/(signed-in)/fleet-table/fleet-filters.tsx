"use client";
// The fleet's filters, each a choice with "Any"; the Go versions offered are the fleet's own.
import { useQuery } from "@tanstack/react-query";
import type { FleetQuery } from "@cachefleet/contract";
import { Choice } from "~/components/choice";
import { useTRPC } from "~/trpc/client";

export const filterKeys = ["health", "arch", "goVersion", "keychainKey", "findings", "presence"] as const;

export function FleetFilters({ query, onChange }: { query: FleetQuery; onChange: (changes: Partial<FleetQuery>) => void }) {
  const trpc = useTRPC();
  const goVersions = useQuery(trpc.fleet.goVersions.queryOptions(undefined, { staleTime: 60_000 }));
  const versions = goVersions.data ?? [];
  // The chosen version stays a choice even before the list arrives (or if no machine has it now).
  const goOptions = [...new Set([...(query.goVersion ? [query.goVersion] : []), ...versions])].map((version) => [version, version] as const);
  return (
    <>
      <Choice label="Health" anyLabel="Any" value={query.health} options={[["critical", "critical"], ["warning", "warning"], ["healthy", "healthy"]]} onChange={(health) => onChange({ health })} />
      <Choice label="Arch" anyLabel="Any" value={query.arch} options={[["native", "native"], ["rosetta", "Rosetta"], ["unknown", "unknown"]]} onChange={(arch) => onChange({ arch })} />
      <Choice label="Go version" anyLabel="Any" value={query.goVersion} options={goOptions} onChange={(goVersion) => onChange({ goVersion })} />
      <Choice
        label="Keychain key"
        anyLabel="Any"
        value={query.keychainKey}
        options={[["present", "present"], ["missing", "missing"], ["unknown", "unknown or not applicable"]]}
        onChange={(keychainKey) => onChange({ keychainKey })}
      />
      <Choice label="Findings" anyLabel="Any" value={query.findings} options={[["some", "some"], ["none", "none"]]} onChange={(findings) => onChange({ findings })} />
      <Choice label="Last seen" anyLabel="Any" value={query.presence} options={[["online", "online"], ["offline", "offline"]]} onChange={(presence) => onChange({ presence })} />
    </>
  );
}
