// This checkout's own folders, for code that Node runs from the checkout itself: the scripts, the
// migrate CLI, the Prisma config and tests. They find the repository from this file's location.
// The dashboard never imports this module: its server code is bundled, so it resolves the same
// folders once in its env.ts and hands them to databaseTarget.
import path from "node:path";
import type { DatabaseLocations } from "./target.js";

export const repositoryRoot = path.resolve(import.meta.dirname, "../../..");

/** The data folder and the prisma/ folder of this checkout; dataDir defaults to ./data. */
export function checkoutLocations(dataDir: string = path.join(repositoryRoot, "data")): DatabaseLocations {
  return { dataDir, prismaDir: path.join(repositoryRoot, "prisma") };
}
