// The persist-env remediation's fixed content, shared so the dashboard shows exactly what the agent
// writes: a LaunchAgent that runs `launchctl setenv PATH …` at login, with GOBIN first, so GUI
// apps (IDEs) find the same Go tools as the shell.
export const gobinPathLabel = "dev.cachefleet.gobin-path";

/** The PATH GUI apps get: GOBIN, then Homebrew's and the system's default folders. */
export function gobinLaunchPath(gobin: string): string {
  return [gobin, "/opt/homebrew/bin", "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"].join(":");
}

function xmlText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** The LaunchAgent's plist, byte for byte. */
export function gobinLaunchAgentPlist(gobin: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    "<dict>",
    "\t<key>Label</key>",
    `\t<string>${gobinPathLabel}</string>`,
    "\t<key>ProgramArguments</key>",
    "\t<array>",
    "\t\t<string>/bin/launchctl</string>",
    "\t\t<string>setenv</string>",
    "\t\t<string>PATH</string>",
    `\t\t<string>${xmlText(gobinLaunchPath(gobin))}</string>`,
    "\t</array>",
    "\t<key>RunAtLoad</key>",
    "\t<true/>",
    "</dict>",
    "</plist>",
    "",
  ].join("\n");
}

/** How to undo persist-env, as the step log and the push dialog say it. */
export function persistEnvUndo(plistPath: string, gobinWasSet: boolean): string {
  return `launchctl bootout gui/$(id -u)/${gobinPathLabel}; rm "${plistPath}"${gobinWasSet ? "" : "; go env -u GOBIN"}`;
}
