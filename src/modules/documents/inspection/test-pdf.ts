/**
 * Test support: tiny hand-written PDFs, optionally with extra objects or a FlateDecode object stream,
 * to exercise the PDF scanner and the content inspector.
 */
import { deflateSync } from 'node:zlib';

/** A one-page PDF; `catalogExtra` goes into the catalog dictionary, `extraObjects` after the page. */
export function tinyPdf(catalogExtra = '', extraObjects: Buffer[] = []): Buffer {
  const parts: Buffer[] = [
    Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
    Buffer.from(`1 0 obj\n<< /Type /Catalog /Pages 2 0 R ${catalogExtra}>>\nendobj\n`),
    Buffer.from('2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n'),
    Buffer.from('3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\nendobj\n'),
  ];
  const content = Buffer.from('BT /F1 12 Tf 72 720 Td (Hello, world) Tj ET\n');
  parts.push(
    Buffer.from(`4 0 obj\n<< /Length ${content.length} >>\nstream\n`),
    content,
    Buffer.from('endstream\nendobj\n'),
    ...extraObjects,
    Buffer.from('trailer\n<< /Root 1 0 R >>\n%%EOF\n'),
  );
  return Buffer.concat(parts);
}

/** An object stream (FlateDecode) holding `body`, e.g. a JavaScript action dictionary. */
export function flateObject(num: number, body: string): Buffer {
  const data = deflateSync(Buffer.from(body));
  return Buffer.concat([
    Buffer.from(
      `${num} 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${data.length} >>\nstream\r\n`,
    ),
    data,
    Buffer.from('\nendstream\nendobj\n'),
  ]);
}
