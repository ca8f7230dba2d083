// A strict reader of Prometheus' text exposition format (version 0.0.4), for tests: every line
// must be a comment, a HELP or TYPE line, or a sample of a family whose TYPE came first; label
// values must be quoted with the format's escapes; values must be numbers (or Inf and NaN, in any case, as Go's ParseFloat takes them).
// Anything else throws with the line, so a malformed exposition fails the test.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  samples: Sample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** The family a sample belongs to: histograms and summaries add suffixes to their name. */
function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  const exact = families.get(sample);
  if (exact) return exact;
  for (const suffix of ["_bucket", "_sum", "_count", "_created"]) {
    if (!sample.endsWith(suffix)) continue;
    const family = families.get(sample.slice(0, -suffix.length));
    if (family && (family.type === "histogram" || family.type === "summary")) return family;
  }
  return undefined;
}

/** Prometheus reads values with Go's strconv.ParseFloat, which takes Inf and NaN in any case. */
function parseValue(text: string, line: string): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`not a number: "${text}" in: ${line}`);
  return Number(text);
}

/** Reads `{a="1",b="x\"y"}` from the start of `text`; returns the labels and the rest. */
function parseLabels(text: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let at = 1;
  for (;;) {
    if (text[at] === "}") return { labels, rest: text.slice(at + 1) };
    const equals = text.indexOf("=", at);
    if (equals < 0) throw new Error(`unterminated labels in: ${line}`);
    const name = text.slice(at, equals);
    if (!labelName.test(name)) throw new Error(`bad label name "${name}" in: ${line}`);
    if (name in labels) throw new Error(`label "${name}" repeated in: ${line}`);
    if (text[equals + 1] !== '"') throw new Error(`label value not quoted in: ${line}`);
    let value = "";
    let index = equals + 2;
    for (;;) {
      const char = text[index];
      if (char === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (char === '"') break;
      if (char === "\\") {
        const next = text[index + 1];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`bad escape in a label value in: ${line}`);
        index += 2;
        continue;
      }
      value += char;
      index += 1;
    }
    labels[name] = value;
    at = index + 1;
    if (text[at] === ",") at += 1;
    else if (text[at] !== "}") throw new Error(`expected , or } after a label in: ${line}`);
  }
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) continue; // a plain comment
      const [, keyword, name = "", rest = ""] = match;
      if (!metricName.test(name)) throw new Error(`bad metric name in: ${line}`);
      const family = families.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      if (keyword === "TYPE") {
        if (!types.has(rest)) throw new Error(`unknown type in: ${line}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in: ${line}`);
        family.type = rest as Family["type"];
      } else family.help = rest;
      families.set(name, family);
      continue;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nameMatch) throw new Error(`not a sample: ${line}`);
    const name = nameMatch[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
    const fields = rest.trim().split(/\s+/);
    if (!rest.startsWith(" ") || fields.length < 1 || fields.length > 2) throw new Error(`expected a value (and a timestamp) in: ${line}`);
    const value = parseValue(fields[0] ?? "", line);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`bad timestamp in: ${line}`);
    const family = familyOf(name, families);
    if (!family) throw new Error(`sample of a family with no TYPE line: ${line}`);
    family.samples.push({ name, labels, value });
  }
  return families;
}

/** The value of the one sample named `name` with exactly these labels (0 when there is none). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(name, families);
  if (!family) throw new Error(`no metric family for ${name}`);
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const matches = family.samples.filter((sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted);
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} ${wanted}`);
  return matches[0]?.value ?? 0;
}
