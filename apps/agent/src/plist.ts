// Just enough of Apple's XML property list format to read LaunchAgents and write our own. Anything
// it does not understand (binary plists, broken XML) is an error for the caller to report, never a
// crash.
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

export class PlistError extends Error {}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return entities[name] ?? whole;
  });
}

type Token = { type: "open" | "close" | "empty"; name: string } | { type: "text"; text: string };

function tokenize(xml: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf("<", at);
    if (lt === -1) {
      tokens.push({ type: "text", text: xml.slice(at) });
      break;
    }
    if (lt > at) tokens.push({ type: "text", text: xml.slice(at, lt) });
    // Declarations, doctype and comments carry nothing a LaunchAgent needs.
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end === -1) throw new PlistError("unterminated comment");
      at = end + 3;
      continue;
    }
    if (xml.startsWith("<?", lt) || xml.startsWith("<!", lt)) {
      const end = xml.indexOf(">", lt);
      if (end === -1) throw new PlistError("unterminated declaration");
      at = end + 1;
      continue;
    }
    const gt = xml.indexOf(">", lt);
    if (gt === -1) throw new PlistError("unterminated tag");
    const inner = xml.slice(lt + 1, gt).trim();
    const name = /^\/?\s*([\w:-]+)/.exec(inner)?.[1];
    if (!name) throw new PlistError(`malformed tag <${inner}>`);
    if (inner.startsWith("/")) tokens.push({ type: "close", name });
    else if (inner.endsWith("/")) tokens.push({ type: "empty", name });
    else tokens.push({ type: "open", name });
    at = gt + 1;
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private skipWhitespace(): void {
    for (let token = this.tokens[this.at]; token?.type === "text" && token.text.trim() === ""; token = this.tokens[this.at]) this.at += 1;
  }

  private next(): Token {
    this.skipWhitespace();
    const token = this.tokens[this.at];
    if (!token) throw new PlistError("unexpected end of document");
    this.at += 1;
    return token;
  }

  private textUntilClose(name: string): string {
    let text = "";
    for (let token = this.tokens[this.at]; token?.type === "text"; token = this.tokens[this.at]) {
      text += token.text;
      this.at += 1;
    }
    const close = this.tokens[this.at];
    if (close?.type !== "close" || close.name !== name) throw new PlistError(`<${name}> is not closed`);
    this.at += 1;
    return decodeText(text);
  }

  document(): PlistValue {
    const root = this.next();
    if (root.type !== "open" || root.name !== "plist") throw new PlistError("not an XML property list");
    const value = this.value();
    const close = this.next();
    if (close.type !== "close" || close.name !== "plist") throw new PlistError("<plist> holds more than one value");
    return value;
  }

  value(): PlistValue {
    const token = this.next();
    if (token.type === "empty") {
      switch (token.name) {
        case "true":
          return true;
        case "false":
          return false;
        case "string":
        case "data":
          return "";
        case "dict":
          return {};
        case "array":
          return [];
        default:
          throw new PlistError(`unknown element <${token.name}/>`);
      }
    }
    if (token.type !== "open") throw new PlistError("expected a value");
    switch (token.name) {
      case "string":
      case "date":
      case "data":
        return this.textUntilClose(token.name);
      case "integer":
      case "real": {
        const number = Number(this.textUntilClose(token.name).trim());
        if (!Number.isFinite(number)) throw new PlistError(`<${token.name}> holds no number`);
        return number;
      }
      case "array": {
        const items: PlistValue[] = [];
        for (;;) {
          this.skipWhitespace();
          const peek = this.tokens[this.at];
          if (peek?.type === "close" && peek.name === "array") {
            this.at += 1;
            return items;
          }
          items.push(this.value());
        }
      }
      case "dict": {
        const dict: { [key: string]: PlistValue } = {};
        for (;;) {
          const key = this.next();
          if (key.type === "close" && key.name === "dict") return dict;
          if (key.type !== "open" || key.name !== "key") throw new PlistError("expected <key> in <dict>");
          dict[this.textUntilClose("key")] = this.value();
        }
      }
      default:
        throw new PlistError(`unknown element <${token.name}>`);
    }
  }
}

export function parsePlist(text: string): PlistValue {
  if (text.startsWith("bplist")) throw new PlistError("binary property list (not read)");
  return new Parser(tokenize(text)).document();
}

function isDict(value: PlistValue | undefined): value is { [key: string]: PlistValue } {
  return typeof value === "object" && !Array.isArray(value);
}

export function dictOf(value: PlistValue | undefined): { [key: string]: PlistValue } | null {
  return isDict(value) ? value : null;
}

// Writing ----------------------------------------------------------------------------------------

function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function render(value: PlistValue, indent: string): string {
  const inner = `${indent}\t`;
  if (typeof value === "string") return `${indent}<string>${escapeText(value)}</string>\n`;
  if (typeof value === "boolean") return `${indent}<${value}/>\n`;
  if (typeof value === "number") return `${indent}<${Number.isInteger(value) ? "integer" : "real"}>${value}</${Number.isInteger(value) ? "integer" : "real"}>\n`;
  if (Array.isArray(value)) return `${indent}<array>\n${value.map((item) => render(item, inner)).join("")}${indent}</array>\n`;
  const entries = Object.entries(value).map(([key, item]) => `${inner}<key>${escapeText(key)}</key>\n${render(item, inner)}`);
  return `${indent}<dict>\n${entries.join("")}${indent}</dict>\n`;
}

export function renderPlist(value: PlistValue): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
    '<plist version="1.0">\n' +
    render(value, "") +
    "</plist>\n"
  );
}
