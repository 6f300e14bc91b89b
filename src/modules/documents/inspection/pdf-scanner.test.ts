import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { PdfScanner, type PdfScanLimits } from './pdf-scanner.ts';
import { InspectionRefusal } from './refusal.ts';
import { flateObject, tinyPdf } from './test-pdf.ts';

/** Scans in pieces of `size` (or at the given cut points); returns the refusal code or null. */
async function scan(
  pdf: Buffer,
  size = pdf.length,
  limits: Partial<PdfScanLimits> = {},
): Promise<string | null> {
  const s = new PdfScanner(limits);
  try {
    for (let i = 0; i < pdf.length; i += size) await s.write(pdf.subarray(i, i + size));
    await s.end();
    return null;
  } catch (e) {
    assert.ok(e instanceof InspectionRefusal, String(e));
    return e.code;
  }
}

async function scanCut(pdf: Buffer, cut: number): Promise<string | null> {
  const s = new PdfScanner();
  try {
    await s.write(pdf.subarray(0, cut));
    await s.write(pdf.subarray(cut));
    await s.end();
    return null;
  } catch (e) {
    assert.ok(e instanceof InspectionRefusal, String(e));
    return e.code;
  }
}

const JS_ACTION = '/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ';

describe('PDF scanner', () => {
  it('passes a plain PDF, in any chunking', async () => {
    const pdf = tinyPdf();
    for (const size of [1, 3, 64, pdf.length]) assert.equal(await scan(pdf, size), null);
  });

  it('passes links and compressed content without active names', async () => {
    const pdf = tinyPdf('/URI << /Base (https://example.org/) >> ', [
      flateObject(5, '<< /Type /Font /Subtype /Type1 >>'),
    ]);
    assert.equal(await scan(pdf), null);
  });

  it('refuses a JavaScript open action', async () => {
    assert.equal(await scan(tinyPdf(JS_ACTION)), 'active_content');
  });

  it('refuses names hidden with #xx escapes', async () => {
    assert.equal(await scan(tinyPdf('/OpenAction << /S /J#61vaScript /JS (x) >> ')), 'active_content');
    assert.equal(await scan(tinyPdf('/OpenAction << /S /#4Caunch /F (calc.exe) >> ')), 'active_content');
  });

  it('refuses the other active names', async () => {
    for (const extra of [
      '/OpenAction << /S /Launch /F (cmd.exe) >> ',
      '/Names << /EmbeddedFiles 9 0 R >> ',
      '/AcroForm << /XFA 9 0 R >> ',
      '/AA << /O << /S /ImportData /F (x.fdf) >> >> ',
      '/AA << /O << /S /SubmitForm /F (https://x) >> >> ',
      '/RichMedia 9 0 R ',
    ]) {
      assert.equal(await scan(tinyPdf(extra)), 'active_content', extra);
    }
  });

  it('refuses a JavaScript action inside a FlateDecode object stream, in any chunking', async () => {
    const pdf = tinyPdf('', [flateObject(5, '5 0 << /S /JavaScript /JS (app.alert(1)) >>')]);
    for (const size of [1, 5, 100, pdf.length])
      assert.equal(await scan(pdf, size), 'active_content', `size ${size}`);
  });

  it('refuses a token split at every chunk boundary position', async () => {
    const pdf = tinyPdf(JS_ACTION);
    const at = pdf.indexOf('/JavaScript');
    for (let cut = at - 1; cut <= at + '/JavaScript'.length + 1; cut++) {
      assert.equal(await scanCut(pdf, cut), 'active_content', `cut at ${cut}`);
    }
    const compressed = tinyPdf('', [flateObject(5, '<< /S /JavaScript /JS (x) >>')]);
    for (let cut = 1; cut < compressed.length; cut++) {
      assert.equal(await scanCut(compressed, cut), 'active_content', `compressed, cut at ${cut}`);
    }
  });

  it('is not fooled by a fake endstream inside a stored deflate block', async () => {
    // Block 1 (stored, not final) contains "endstream"; block 2 (compressed, final) holds the script.
    const stored = Buffer.from('padding\nendstream\n');
    const header = Buffer.from([
      0x00,
      stored.length & 0xff,
      stored.length >> 8,
      ~stored.length & 0xff,
      (~stored.length >> 8) & 0xff,
    ]);
    const rest = deflateRawSync(Buffer.from('<< /S /JavaScript /JS (x) >>'));
    const body = Buffer.concat([Buffer.from([0x78, 0x9c]), header, stored, rest]);
    const obj = Buffer.concat([
      Buffer.from('5 0 obj\n<< /Filter /FlateDecode >>\nstream\n'),
      body,
      Buffer.from('\nendstream\nendobj\n'),
    ]);
    assert.equal(await scan(tinyPdf('', [obj])), 'active_content');
  });

  it('refuses a damaged compressed stream, but not a wrong checksum', async () => {
    const good = deflateSync(Buffer.from('<< /Type /Font >> BT (hello) Tj ET'));
    const damaged = Buffer.concat([
      good.subarray(0, 2),
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
      good.subarray(2),
    ]);
    const wrapped = (data: Buffer) =>
      Buffer.concat([
        Buffer.from('5 0 obj\n<< /Filter /FlateDecode >>\nstream\n'),
        data,
        Buffer.from('\nendstream\nendobj\n'),
      ]);
    assert.equal(await scan(tinyPdf('', [wrapped(damaged)])), 'pdf_invalid');
    const js = deflateSync(Buffer.from('<< /S /JavaScript /JS (x) >>'));
    js.writeUInt32BE(0, js.length - 4); // readers ignore a wrong Adler-32; so do we
    assert.equal(await scan(tinyPdf('', [wrapped(js)])), 'active_content');
  });

  it('ignores the two-letter /JS inside binary stream data, but not /JavaScript', async () => {
    const image = Buffer.concat([randomBytes(100), Buffer.from('/JS '), randomBytes(100)]);
    const obj = Buffer.concat([
      Buffer.from(`5 0 obj\n<< /Subtype /Image /Filter /DCTDecode /Length ${image.length} >>\nstream\n`),
      image,
      Buffer.from('\nendstream\nendobj\n'),
    ]);
    assert.equal(await scan(tinyPdf('', [obj])), null);
    assert.equal(await scan(tinyPdf('/JS (x) ')), 'active_content');
  });

  it('refuses encrypted PDFs and files without a PDF header', async () => {
    assert.equal(
      await scan(
        Buffer.from(
          tinyPdf().toString('latin1').replace('trailer\n<<', 'trailer\n<< /Encrypt 9 0 R'),
          'latin1',
        ),
      ),
      'pdf_encrypted',
    );
    assert.equal(await scan(Buffer.concat([Buffer.from('junk'), tinyPdf()])), 'pdf_invalid');
    assert.equal(await scan(Buffer.from('%PD')), 'pdf_invalid');
  });

  it('refuses a PDF that inflates beyond the limits', async () => {
    const bomb = deflateSync(Buffer.alloc(4 * 1024 * 1024));
    const obj = Buffer.concat([
      Buffer.from('5 0 obj\n<< /Filter /FlateDecode >>\nstream\n'),
      bomb,
      Buffer.from('\nendstream\nendobj\n'),
    ]);
    assert.equal(
      await scan(tinyPdf('', [obj]), 65536, { maxInflatedPerStream: 1024 * 1024 }),
      'pdf_too_complex',
    );
    assert.equal(await scan(tinyPdf('', [obj]), 65536), null);
  });
});
