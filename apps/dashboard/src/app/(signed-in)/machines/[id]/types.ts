// The shapes the machine page's parts share, as the machines router returns them.
import type { RouterOutputs } from "@cachefleet/api";

export type MachineDetail = RouterOutputs["machines"]["detail"];
export type MachineCommand = MachineDetail["commands"][number];
export type MachineReport = NonNullable<MachineDetail["latestReport"]>;
export type HistoryPoint = RouterOutputs["machines"]["history"][number];
