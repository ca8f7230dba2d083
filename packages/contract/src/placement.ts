// Where GOCACHE lives, and what that means: the file system under it (network and FUSE file
// systems are unsafe for cmd/go's cache), iCloud syncing, Time Machine, Spotlight and FileVault.
// Each probe answers ok / not-applicable / error on its own, like the machine probes.
import { z } from "zod";

const notApplicable = z.object({ status: z.literal("not-applicable"), message: z.string().max(1000) });
const failed = z.object({ status: z.literal("error"), message: z.string().max(1000) });

export const FileSystemKind = z.enum(["local", "network", "fuse", "unknown"]);
export type FileSystemKind = z.infer<typeof FileSystemKind>;

export const FileSystemProbe = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ok"),
    /** As the system names it: apfs, hfs, smbfs, nfs, macfuse, ext4, fuse.sshfs, … */
    type: z.string().max(64),
    mountPoint: z.string().max(4096),
    kind: FileSystemKind,
    /** A volume the system marks removable or external (not "local" on macOS); null when unknown. */
    removable: z.boolean().nullable(),
  }),
  notApplicable,
  failed,
]);
export type FileSystemProbe = z.infer<typeof FileSystemProbe>;

export const ICloudProbe = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ok"),
    synced: z.boolean(),
    /** Which synced place holds GOCACHE (~/Library/Mobile Documents, ~/Desktop, ~/Documents), or null. */
    syncedPlace: z.string().max(4096).nullable(),
  }),
  notApplicable,
  failed,
]);
export type ICloudProbe = z.infer<typeof ICloudProbe>;

export const TimeMachineProbe = z.discriminatedUnion("status", [z.object({ status: z.literal("ok"), excluded: z.boolean() }), notApplicable, failed]);
export type TimeMachineProbe = z.infer<typeof TimeMachineProbe>;

export const SpotlightProbe = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ok"),
    /** `mdutil -s` of the volume: whether Spotlight indexes it at all. */
    volumeIndexed: z.boolean(),
    /** A folder named *.noindex at or above GOCACHE keeps Spotlight out. */
    pathExcluded: z.boolean(),
  }),
  notApplicable,
  failed,
]);
export type SpotlightProbe = z.infer<typeof SpotlightProbe>;

export const FileVaultProbe = z.discriminatedUnion("status", [
  z.object({ status: z.literal("ok"), on: z.boolean(), encryptionInProgress: z.boolean() }),
  notApplicable,
  failed,
]);
export type FileVaultProbe = z.infer<typeof FileVaultProbe>;

export const PlacementProbes = z.object({
  fileSystem: FileSystemProbe,
  iCloud: ICloudProbe,
  timeMachine: TimeMachineProbe,
  spotlight: SpotlightProbe,
  fileVault: FileVaultProbe,
});
export type PlacementProbes = z.infer<typeof PlacementProbes>;
export type PlacementProbeName = keyof PlacementProbes;
