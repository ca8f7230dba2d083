// The go command splits GOCACHEPROG into fields by cmd/internal/quoted's rules: fields separated by
// spaces, tabs or newlines; a field may be wrapped in single or double quotes, with no escapes
// inside. These are those rules, so a path with spaces (~/Library/Application Support/…) survives.

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

/** quoted.Split: the fields of a GOCACHEPROG value; throws on an unterminated quote. */
export function splitQuoted(value: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && isSpace(value[i] ?? "")) i++;
    if (i >= value.length) break;
    const first = value[i];
    if (first === '"' || first === "'") {
      const end = value.indexOf(first, i + 1);
      if (end < 0) throw new Error(`unterminated ${first} string`);
      fields.push(value.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    const start = i;
    while (i < value.length && !isSpace(value[i] ?? "")) i++;
    fields.push(value.slice(start, i));
  }
  return fields;
}

/** quoted.Join: a value splitQuoted turns back into `args`; throws for a field holding both quote kinds. */
export function joinQuoted(args: readonly string[]): string {
  return args
    .map((arg) => {
      const hasSpace = [...arg].some(isSpace);
      const hasSingle = arg.includes("'");
      const hasDouble = arg.includes('"');
      if (!hasSpace && !hasSingle && !hasDouble && arg !== "") return arg;
      if (!hasSingle) return `'${arg}'`;
      if (!hasDouble) return `"${arg}"`;
      throw new Error(`${JSON.stringify(arg)} holds both single and double quotes and cannot be quoted for GOCACHEPROG`);
    })
    .join(" ");
}
