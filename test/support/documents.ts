/** Document test support: multipart bodies, sample files (real formats), uploads through inject(). */
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './app.ts';
import { makeProgramme, makeSubject } from './factories-applications.ts';

export { eicar } from '../../src/platform/clamav/test-clamd.ts';

/** A small valid PDF without active content. */
export function samplePdf(text = 'Dossier test document'): Buffer {
  const content = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A PDF of about `size` bytes (padding in a comment stream), for range and throughput tests. */
export function largePdf(size: number): Buffer {
  const head = samplePdf();
  const pad = Buffer.alloc(Math.max(0, size - head.length), 0x41);
  return Buffer.concat([head.subarray(0, head.length - 6), Buffer.from('%'), pad, Buffer.from('\n%%EOF\n')]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A real 1×1 PNG. */
export function samplePng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A minimal Windows PE header (what file-type recognises as an executable). */
export function sampleExe(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x14c, 0x84);
  return Buffer.concat([b, randomBytes(1024)]);
}

export interface MultipartFile {
  name: string;
  content: Buffer;
  type?: string;
}

/** A multipart/form-data body: the text fields first, then the file part `file`. */
export function multipart(
  fields: Record<string, string>,
  file: MultipartFile | null,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----dossier${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    const name = file.name.replaceAll('"', '%22');
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
        'utf8',
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export function uploadTo(
  t: TestApp,
  url: string,
  fields: Record<string, string>,
  file: MultipartFile | null,
  opts: { token?: string | null; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const body = multipart(fields, file);
  const token = opts.token === undefined ? t.adminToken : opts.token;
  return t.app.inject({
    method: 'POST',
    url,
    payload: body.payload,
    headers: {
      ...body.headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    },
  });
}

/** A programme and a person subject of it, ready for uploads. */
export async function documentFixture(t: TestApp, programme?: { documentExtensions?: string[] }) {
  const p = await makeProgramme(t.ctx, programme ?? {});
  const made = await makeSubject(t.database.db);
  const subject = await t.database.db
    .updateTable('subjects')
    .set({ programme_id: p.id })
    .where('id', '=', made.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { programme: p, subject, url: `/api/v1/subjects/${subject.id}/documents` };
}

/** Counts what the pipeline left: documents, blob rows by state, and objects in the store. */
export async function leftovers(t: TestApp) {
  const docs = await t.database.db.selectFrom('documents').select('id').execute();
  const blobs = await t.database.db.selectFrom('document_blobs').select(['id', 'state']).execute();
  const objects: string[] = [];
  for await (const o of t.documents.store.list()) objects.push(o.key);
  const temporary: string[] = [];
  for await (const o of t.documents.store.listTemporary()) temporary.push(o.key);
  return { documents: docs.length, blobs, objects, temporary };
}
