// The machine probes an agent reports besides `go env` and the cache scan. Each probe answers on
// its own (ok / not-applicable / error), so one failure never hides the rest. Strings and lists are
// bounded because the dashboard takes these from agents; the agent clips to fit.
import { z } from "zod";

const filePath = z.string().max(4096);
const message = z.string().max(4000);
const shortText = z.string().max(256);
const isoTime = z.iso.datetime();

/** The Keychain item that holds the cache encryption key. Only the cache helper reads its secret. */
export const keychainService = "go-build-cache-encryption-key";

/** The LaunchAgent label cachefleet itself installs. */
export const agentLaunchLabel = "dev.cachefleet.agent";

/** Caps the agent applies before reporting, shared so the schema and the agent agree. */
export const probeLimits = {
  messageChars: 4000,
  toolchains: 64,
  buildSettings: 64,
  tools: 200,
  goenvKeys: 256,
  launchAgentPaths: 64,
  unreadablePlists: 64,
  notes: 8,
} as const;

/**
 * A probe's answer: its facts when it ran, or why it did not apply or failed. Exported so a probe
 * made of independent parts can nest one answer per part.
 */
export function probeOf<Shape extends z.ZodRawShape>(facts: Shape) {
  return z.discriminatedUnion("status", [
    z.object({ status: z.literal("ok"), ...facts }),
    z.object({ status: z.literal("not-applicable"), message }),
    z.object({ status: z.literal("error"), message }),
  ]);
}

// Go toolchains --------------------------------------------------------------------------------

/** `go version -m FILE`: the Go release that built FILE, its main package, module and settings. */
export const GoBuildInfo = z.object({
  goVersion: shortText,
  /** The main package ("cmd/go", "golang.org/x/tools/gopls"); null when the binary records none. */
  path: z.string().max(1024).nullable(),
  module: z.object({ path: z.string().max(1024), version: shortText }).nullable(),
  /** `build` lines: GOOS, GOARCH, CGO_ENABLED, -trimpath, vcs.revision … */
  settings: z
    .record(z.string().max(128), z.string().max(1024))
    .refine((settings) => Object.keys(settings).length <= probeLimits.buildSettings, { error: `At most ${probeLimits.buildSettings} build settings.` }),
});
export type GoBuildInfo = z.infer<typeof GoBuildInfo>;

export const toolchainSources = ["path", "goroot", "sdk", "homebrew", "usr-local", "distro"] as const;
export const ToolchainSource = z.enum(toolchainSources);
export type ToolchainSource = z.infer<typeof ToolchainSource>;

export const GoToolchain = z.object({
  /** GOROOT of this toolchain (symlinks resolved). */
  root: filePath,
  goBinary: filePath,
  /** "go1.22.2"; null when neither the VERSION file nor `go version` told. */
  version: shortText.nullable(),
  versionFrom: z.enum(["VERSION-file", "go-version"]).nullable(),
  error: message.nullable(),
  /** Where the agent saw it: on PATH, as GOROOT, in ~/sdk, Homebrew's Cellar, /usr/local/go, a distro package. */
  sources: z.array(ToolchainSource).max(toolchainSources.length),
  /** The GOROOT of the go the agent runs. */
  active: z.boolean(),
});
export type GoToolchain = z.infer<typeof GoToolchain>;

export const BuildInfoProbe = probeOf({ info: GoBuildInfo });
export type BuildInfoProbe = z.infer<typeof BuildInfoProbe>;

/**
 * Where the go command keeps its build cache: Go's own disk cache (plaintext), Cachefleet's
 * encrypted helper, or another GOCACHEPROG (a team's remote cache), named by its command line.
 */
export const CacheBackend = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("disk") }),
  z.object({ kind: z.literal("cachefleet"), version: shortText }),
  z.object({ kind: z.literal("other"), commandLine: z.string().max(4096) }),
]);
export type CacheBackend = z.infer<typeof CacheBackend>;

/** The first Go release whose go command runs a GOCACHEPROG helper as shipped. */
export const cacheProgMinimumGo = "1.24";

export const GoToolchainProbe = probeOf({
  /** The go binary the agent runs. */
  binary: filePath,
  /** Build info of that binary: its GOARCH tells whether it is an amd64 build. */
  buildInfo: BuildInfoProbe,
  toolchains: z.array(GoToolchain).max(probeLimits.toolchains),
  /** `go env GOCACHEPROG`, described; null from agents that predate the helper or when it could not be read. */
  cacheBackend: CacheBackend.nullable().default(null),
});
export type GoToolchainProbe = z.infer<typeof GoToolchainProbe>;

// Hardware -------------------------------------------------------------------------------------

export const MacOSVersion = z.object({
  productName: shortText,
  productVersion: shortText,
  buildVersion: shortText,
});
export type MacOSVersion = z.infer<typeof MacOSVersion>;

export const HardwareProbe = probeOf({
  /** `uname -m` as the agent's own process sees it ("x86_64" inside Rosetta). */
  machine: shortText,
  /** `sysctl -n hw.optional.arm64` is 1, also when asked from inside Rosetta. */
  appleSilicon: z.boolean(),
  /** `sysctl -n sysctl.proc_translated` is 1: the agent itself runs under Rosetta. */
  agentTranslated: z.boolean(),
  /** `sw_vers`; null when it could not be read (see notes). */
  macos: MacOSVersion.nullable(),
  /** GOHOSTARCH of the go the agent runs; null when `go env` failed. */
  goHostArch: shortText.nullable(),
  /** An amd64 Go toolchain on Apple Silicon: it runs translated by Rosetta. */
  goUnderRosetta: z.boolean(),
  /** Parts that failed without sinking the probe (e.g. sw_vers). */
  notes: z.array(message).max(probeLimits.notes),
});
export type HardwareProbe = z.infer<typeof HardwareProbe>;

// Keychain -------------------------------------------------------------------------------------

/** Where the key lives: the macOS Keychain, or a 0600 key file in the agent's folder where there is none. */
export const KeyLocation = z.enum(["keychain", "file"]);
export type KeyLocation = z.infer<typeof KeyLocation>;

export const KeychainProbe = probeOf({
  service: z.literal(keychainService),
  itemPresent: z.boolean(),
  /** Agents before the file store only ever looked in the Keychain. */
  store: KeyLocation.default("keychain"),
  /** When the key was created, for the team's rotation age; null when unknown or absent. */
  keyCreatedAt: isoTime.nullable().default(null),
});
export type KeychainProbe = z.infer<typeof KeychainProbe>;

// Permissions ----------------------------------------------------------------------------------

export const DiskSpace = z.object({
  /** GOCACHE, or its nearest existing parent when GOCACHE is missing. */
  path: filePath,
  freeBytes: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
});
export type DiskSpace = z.infer<typeof DiskSpace>;

export const PermissionsProbe = probeOf({
  gocache: filePath,
  exists: z.boolean(),
  isDirectory: z.boolean(),
  ownerUid: z.number().int().nullable(),
  userUid: z.number().int().nullable(),
  /** Null when it could not be decided (GOCACHE missing, or no uid on this platform). */
  ownedByUser: z.boolean().nullable(),
  writable: z.boolean().nullable(),
  hardLinks: z.boolean().nullable(),
  hardLinkError: message.nullable(),
  disk: DiskSpace.nullable(),
});
export type PermissionsProbe = z.infer<typeof PermissionsProbe>;

// Persistence ----------------------------------------------------------------------------------

export const GoEnvFileProbe = probeOf({
  file: filePath,
  exists: z.boolean(),
  /** Keys set with `go env -w`. Values stay on the machine: GOPROXY or GOFLAGS can carry credentials. */
  keys: z.array(z.string().max(128)).max(probeLimits.goenvKeys),
});
export type GoEnvFileProbe = z.infer<typeof GoEnvFileProbe>;

export const LaunchAgentPath = z.object({
  file: filePath,
  label: shortText.nullable(),
  /** EnvironmentVariables reach only that job; `launchctl setenv PATH` reaches every GUI app. */
  via: z.enum(["EnvironmentVariables", "launchctl-setenv"]),
  path: z.string().max(16_384),
  holdsGobin: z.boolean(),
  /** cachefleet's own agent plist: its PATH serves the agent, not the developer's apps. */
  ownAgent: z.boolean(),
});
export type LaunchAgentPath = z.infer<typeof LaunchAgentPath>;

export const LaunchAgentsProbe = probeOf({
  folder: filePath,
  plists: z.number().int().nonnegative(),
  paths: z.array(LaunchAgentPath).max(probeLimits.launchAgentPaths),
  unreadable: z.array(z.object({ file: filePath, message })).max(probeLimits.unreadablePlists),
  /** Some plist other than cachefleet's own sets a PATH that holds GOBIN. */
  gobinOnPath: z.boolean(),
});
export type LaunchAgentsProbe = z.infer<typeof LaunchAgentsProbe>;

export const gobinSources = ["GOBIN", "GOPATH"] as const;

export const PersistenceProbe = probeOf({
  /** Where `go install` puts tools: GOBIN, else the first GOPATH entry's bin; null when neither is set. */
  gobin: filePath.nullable(),
  gobinFrom: z.enum(gobinSources).nullable(),
  goenv: GoEnvFileProbe,
  /** macOS only; not-applicable elsewhere. */
  launchAgents: LaunchAgentsProbe,
});
export type PersistenceProbe = z.infer<typeof PersistenceProbe>;

// Installed tools ------------------------------------------------------------------------------

export const InstalledTool = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("go"),
    name: shortText,
    goVersion: shortText,
    path: z.string().max(1024).nullable(),
    module: z.object({ path: z.string().max(1024), version: shortText }).nullable(),
  }),
  /** An executable `go version -m` finds no Go build info in (a script, a C program). */
  z.object({ kind: z.literal("not-go"), name: shortText }),
  z.object({ kind: z.literal("error"), name: shortText, message }),
]);
export type InstalledTool = z.infer<typeof InstalledTool>;

export const ToolsProbe = probeOf({
  dir: filePath,
  dirFrom: z.enum(gobinSources),
  exists: z.boolean(),
  binaries: z.array(InstalledTool).max(probeLimits.tools),
  /** Executables found, including any beyond the cap. */
  total: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type ToolsProbe = z.infer<typeof ToolsProbe>;

// Version drift --------------------------------------------------------------------------------

export const VersionDriftProbe = probeOf({
  gocache: filePath,
  currentVersion: shortText,
  /** The first scan that saw the current version (since the last change). */
  currentSince: isoTime,
  previousVersion: shortText.nullable(),
  previousLastSeenAt: isoTime.nullable(),
  lastCleanAt: isoTime.nullable(),
  oldestEntryAt: isoTime.nullable(),
  /** Entries written before the version changed remain and no clean happened since. */
  sharedAcrossVersions: z.boolean(),
});
export type VersionDriftProbe = z.infer<typeof VersionDriftProbe>;

// All of them ----------------------------------------------------------------------------------

export const AgentProbes = z.object({
  goToolchain: GoToolchainProbe,
  hardware: HardwareProbe,
  keychain: KeychainProbe,
  permissions: PermissionsProbe,
  persistence: PersistenceProbe,
  tools: ToolsProbe,
  versionDrift: VersionDriftProbe,
});
export type AgentProbes = z.infer<typeof AgentProbes>;
export type ProbeName = keyof AgentProbes;
