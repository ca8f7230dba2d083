// The minimal plist reader and writer: what we write reads back, real-world XML forms parse, and
// junk is an error rather than a crash or a guess.
import { describe, expect, it } from "vitest";
import { parsePlist, PlistError, renderPlist } from "./plist.js";

describe("plist", () => {
  it("reads back what it writes, escaping included", () => {
    const value = {
      Label: "dev.cachefleet.agent",
      ProgramArguments: ["/usr/local/bin/node", "/Users/dev/a & b/<cli>.js", "run"],
      RunAtLoad: true,
      KeepAlive: false,
      Nice: 5,
      Ratio: 0.5,
      EnvironmentVariables: { PATH: "/usr/bin:/bin" },
      Empty: {},
      None: [],
    };
    expect(parsePlist(renderPlist(value))).toEqual(value);
  });

  it("parses Apple's formatting: doctype, comments, entities, empty elements", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<!-- written by hand -->
<dict>
  <key>Label</key><string>com.example.env</string>
  <key>EnvironmentVariables</key>
  <dict><key>PATH</key><string>/opt/homebrew/bin:/Users/dev/go/bin&#58;&#x2F;usr/bin</string></dict>
  <key>Disabled</key><false/>
  <key>Blank</key><string/>
  <key>Started</key><date>2024-05-01T00:00:00Z</date>
</dict>
</plist>`;
    expect(parsePlist(xml)).toEqual({
      Label: "com.example.env",
      EnvironmentVariables: { PATH: "/opt/homebrew/bin:/Users/dev/go/bin:/usr/bin" },
      Disabled: false,
      Blank: "",
      Started: "2024-05-01T00:00:00Z",
    });
  });

  it("refuses junk with a PlistError", () => {
    for (const junk of ["", "hello", "<plist><dict><key>A</key></dict></plist>", "<plist><string>a</plist>", "<plist><integer>x</integer></plist>", "bplist00\u0000", "<html></html>", "<plist><dict><key>A</key><string>x</string>"]) {
      expect(() => parsePlist(junk), junk).toThrow(PlistError);
    }
  });
});
