/**
 * Test support: a small hand-written ZIP writer (stored and deflated entries, local headers, central
 * directory, end record) so tests can build normal, hostile and malformed archives byte by byte, and
 * a RandomAccessSource over a buffer.
 */
import { Readable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';
import type { RandomAccessSource } from './zip-check.ts';

export interface TestZipEntry {
  name: string;
  data: Buffer;
  /** Default 'deflate'. */
  method?: 'store' | 'deflate';
  /** Sets the encryption flag (the data is not really encrypted: enough for a refusal test). */
  encrypted?: boolean;
  /** Lies about the unpacked size in both headers. */
  declaredSize?: number;
}

export function buildZip(entries: readonly TestZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.method === 'store' ? 0 : 8;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const crc = crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    // Bit 0: encrypted; bit 11: UTF-8 names.
    const flags = (e.encrypted ? 0x0001 : 0) | 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(cd, name);
    offset += local.length + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, eocd]);
}

/** A RandomAccessSource over an in-memory buffer, in small chunks like a decrypting file reader. */
export function bufferSource(buf: Buffer, chunk = 16 * 1024): RandomAccessSource {
  return {
    size: buf.length,
    read(start, endExclusive) {
      const slice = buf.subarray(start, endExclusive);
      return Readable.from(
        (function* () {
          for (let i = 0; i < slice.length; i += chunk) yield slice.subarray(i, i + chunk);
        })(),
      );
    },
  };
}
