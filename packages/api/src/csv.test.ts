import { describe, expect, it } from "vitest";
import { csvCell, formatCsv } from "./csv.js";

describe("CSV", () => {
  it("quotes commas, quotes, line breaks and edge spaces, doubling quotes", () => {
    expect(csvCell("mac-1")).toBe("mac-1");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\r\nlf")).toBe('"cr\r\nlf"');
    expect(csvCell(" padded")).toBe('" padded"');
  });

  it("keeps text that starts like a formula as text", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    // Numbers are numbers, negative ones too.
    expect(csvCell(-3)).toBe("-3");
  });

  it("writes empty cells for missing values, ISO times for dates, and CRLF lines", () => {
    expect(formatCsv(["host", "seen", "rosetta", "go"], [["m", new Date("2026-11-24T01:02:03Z"), false, null]])).toBe(
      "host,seen,rosetta,go\r\nm,2026-11-24T01:02:03.000Z,false,\r\n",
    );
    expect(formatCsv(["only"], [])).toBe("only\r\n");
  });
});
