// One machine: its facts, findings, cache composition and history, tools, migration and commands.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { PageMain } from "~/components/page-main";
import { TRPCError } from "@trpc/server";
import { createCaller } from "@cachefleet/api";
import { getServices } from "~/server/services";
import { requireUser } from "~/server/session";
import { MachineView } from "./machine-view";
import type { MachineDetail } from "./types";

interface MachinePageProps {
  params: Promise<{ id: string }>;
}

/**
 * The machine as the browser's query would see it, through the same procedure, so the page
 * answers a real 404 for an unknown id and renders without a loading flash. Cached per request
 * because the title and the page both need it.
 */
const loadMachine = cache(async (machineId: string): Promise<MachineDetail> => {
  const user = await requireUser();
  const services = await getServices();
  const caller = createCaller({ ...services, user, agentToken: null });
  try {
    return await caller.machines.detail({ machineId });
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
  const machine = await loadMachine(id);
  return (
    <PageMain>
      <MachineView machineId={id} role={user.role} initialData={machine} />
    </PageMain>
  );
}
