// The fleet answer's shapes, as the fleet router returns them.
import type { RouterOutputs } from "@cachefleet/api";

export type FleetAnswer = RouterOutputs["fleet"]["list"];
export type FleetMachine = FleetAnswer["rows"][number];
