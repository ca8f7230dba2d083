// One machine: its facts, findings, cache composition and history, tools, migration and commands.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { PageMain } from "~/components/page-main";
import { TRPCError } from "@trpc/server";
import { requireUser } from "~/server/session";
import { fetchQuery, HydrateClient, trpc } from "~/trpc/server";
import { MachineView } from "./machine-view";
import type { MachineDetail } from "./types";

interface MachinePageProps {
  params: Promise<{ id: string }>;
}

/**
 * The machine through the browser's own query, run here into the request's cache that the page
 * hands to MachineView, so an unknown id gets the not-found page and a known one renders without
 * a loading flash. Cached per request because the title and the page both need it.
 */
const loadMachine = cache(async (machineId: string): Promise<MachineDetail> => {
  await requireUser();
  try {
    return await fetchQuery(trpc.machines.detail.queryOptions({ machineId }));
  } catch (error) {
    // BAD_REQUEST is an id no machine can have (empty or too long), so it is not found either.
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: MachinePageProps): Promise<Metadata> {
  const { id } = await params;
  const machine = await loadMachine(id);
  return { title: `${machine.hostname} · Cachefleet` };
}

export default async function MachinePage({ params }: MachinePageProps) {
  const user = await requireUser();
  const { id } = await params;
  await loadMachine(id);
  return (
    <PageMain>
      <HydrateClient>
        <MachineView machineId={id} role={user.role} />
      </HydrateClient>
    </PageMain>
  );
}
