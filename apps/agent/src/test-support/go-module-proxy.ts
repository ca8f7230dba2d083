// A file:// GOPROXY holding one module version, so a real `go install module@version` works
// offline and the installed binary records a real module version.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

/** A zip archive with stored (uncompressed) entries: all `go` needs to read a module zip. */
export function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Writes `module@version` with `files` into a proxy folder; returns the GOPROXY value for it. */
export function writeModuleProxy(dir: string, module: string, version: string, files: Record<string, string>): string {
  const versions = path.join(dir, module, "@v");
  fs.mkdirSync(versions, { recursive: true });
  const goMod = files["go.mod"];
  if (goMod === undefined) throw new Error("a module needs a go.mod");
  fs.writeFileSync(path.join(versions, "list"), `${version}\n`);
  fs.writeFileSync(path.join(versions, `${version}.info`), JSON.stringify({ Version: version, Time: "2024-05-01T00:00:00Z" }));
  fs.writeFileSync(path.join(versions, `${version}.mod`), goMod);
  const zipped = Object.fromEntries(Object.entries(files).map(([name, text]) => [`${module}@${version}/${name}`, text]));
  fs.writeFileSync(path.join(versions, `${version}.zip`), storedZip(zipped));
  return `file://${dir}`;
}
