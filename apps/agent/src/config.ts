// The agent's enrollment (server URL and token), kept in a 0600 file inside a 0700 folder.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const AgentConfig = z.object({
  server: z.url(),
  machineId: z.string().min(1),
  token: z.string().min(32),
  enrolledAt: z.iso.datetime(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export function configPath(home: string): string {
  return path.join(home, "agent.json");
}

export function loadConfig(home: string): AgentConfig | null {
  const file = configPath(home);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return null;
    throw error;
  }
  const parsed = AgentConfig.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a valid agent config (${parsed.error.issues[0]?.message}); enroll again.`);
  return parsed.data;
}

export function saveConfig(home: string, config: AgentConfig): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = configPath(home);
  const temporary = `${file}.${process.pid}.tmp`;
  // Written to a private temp file and renamed, so the token is never readable by others and a
  // crash never leaves a half-written config.
  fs.writeFileSync(temporary, `${JSON.stringify(AgentConfig.parse(config), null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}
