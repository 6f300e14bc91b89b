import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContentInspector, type InspectionResult } from './content-inspector.ts';
import { DEFAULT_ALLOWED_EXTENSIONS } from './file-policy.ts';
import { InspectionRefusal } from './refusal.ts';
import { tinyPdf } from './test-pdf.ts';
import { buildZip } from './test-zip.ts';
import { DEFAULT_ARCHIVE_LIMITS } from './zip-check.ts';

const allowed = new Set(DEFAULT_ALLOWED_EXTENSIONS);

/** Feeds the bytes in pieces; returns the result, or the refusal code. */
async function inspect(extension: string, bytes: Buffer, piece = 4096): Promise<InspectionResult | string> {
  const inspector = createContentInspector({ extension, allowed, limits: DEFAULT_ARCHIVE_LIMITS });
  for (let i = 0; i < bytes.length; i += piece) inspector.input.write(bytes.subarray(i, i + piece));
  inspector.input.end();
  try {
    return await inspector.result();
  } catch (e) {
    assert.ok(e instanceof InspectionRefusal, String(e));
    assert.doesNotMatch(e.detail, /alert/, 'the detail quotes no content');
    return e.code;
  }
}

/** A minimal PNG: signature and an IHDR chunk (enough for type detection). */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
  Buffer.from('0000000049454e44ae426082', 'hex'),
]);
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(100),
]);

/** A minimal 64-bit ELF header. */
function elf(): Buffer {
  const b = Buffer.alloc(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(0x3e, 18); // x86-64
  return Buffer.concat([b, Buffer.alloc(512)]);
}

/** A minimal PE: DOS header pointing at "PE\0\0". */
function pe(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x14c, 0x84);
  return b;
}

function docx(): Buffer {
  return buildZip([
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
  ]);
}

describe('content inspector', () => {
  it('accepts files whose content agrees with their extension, with our media type', async () => {
    assert.deepEqual(await inspect('png', PNG), {
      detectedType: 'image/png',
      mediaType: 'image/png',
      kind: 'binary',
    });
    assert.deepEqual(await inspect('jpeg', JPEG), {
      detectedType: 'image/jpeg',
      mediaType: 'image/jpeg',
      kind: 'binary',
    });
    assert.deepEqual(await inspect('pdf', tinyPdf(), 7), {
      detectedType: 'application/pdf',
      mediaType: 'application/pdf',
      kind: 'binary',
    });
    assert.deepEqual(await inspect('csv', Buffer.from('a;b\r\n1;ü\r\n')), {
      detectedType: null,
      mediaType: 'text/csv; charset=utf-8',
      kind: 'text',
    });
    const zip = buildZip([{ name: 'a.txt', data: Buffer.from('hello') }]);
    assert.deepEqual(await inspect('zip', zip), {
      detectedType: 'application/zip',
      mediaType: 'application/zip',
      kind: 'archive',
    });
    assert.equal(((await inspect('docx', docx())) as InspectionResult).kind, 'binary');
  });

  it('refuses a .pdf that is really an executable (ELF, PE)', async () => {
    assert.equal(await inspect('pdf', elf()), 'active_content');
    assert.equal(await inspect('pdf', pe()), 'active_content');
    assert.equal(await inspect('txt', pe()), 'active_content');
  });

  it('refuses a .jpg that is HTML', async () => {
    assert.equal(
      await inspect('jpg', Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>')),
      'active_content',
    );
    assert.equal(await inspect('jpg', Buffer.from('\n  <html><body>hi</body></html>')), 'active_content');
  });

  it('refuses SVG: never allowed by name, and as markup in a .png', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    assert.equal(await inspect('svg', svg), 'type_not_allowed');
    assert.equal(await inspect('png', svg), 'active_content');
    assert.equal(await inspect('png', Buffer.from('<?xml version="1.0"?><svg/>')), 'active_content');
  });

  it('checks CSV as UTF-8 text', async () => {
    assert.equal(await inspect('csv', Buffer.from('a,b\0,c\n')), 'text_invalid');
    assert.equal(await inspect('csv', Buffer.from([0x61, 0x2c, 0xff, 0x0a])), 'text_invalid');
    assert.equal(await inspect('csv', Buffer.from('<script>alert(1)</script>,x\n')), 'active_content');
    assert.equal(await inspect('csv', PNG), 'type_mismatch');
  });

  it('refuses a .docx that is a PNG, naming what it really is', async () => {
    const inspector = createContentInspector({ extension: 'docx', allowed, limits: DEFAULT_ARCHIVE_LIMITS });
    inspector.input.end(PNG);
    await assert.rejects(inspector.result(), (e: unknown) => {
      assert.ok(e instanceof InspectionRefusal);
      assert.equal(e.code, 'type_mismatch');
      assert.match(e.detail, /\.docx.*png \(image\/png\)/);
      return true;
    });
  });

  it('refuses active content in PDFs while streaming', async () => {
    assert.equal(
      await inspect('pdf', tinyPdf('/OpenAction << /S /JavaScript /JS (app.alert(1)) >> '), 5),
      'active_content',
    );
  });

  it('refuses types not on the allow-list before the first byte', async () => {
    const inspector = createContentInspector({
      extension: 'gif',
      allowed: new Set(['pdf']),
      limits: DEFAULT_ARCHIVE_LIMITS,
    });
    await assert.rejects(inspector.early, { code: 'type_not_allowed' });
    // The input keeps accepting (and discarding) the upload without errors.
    inspector.input.write(Buffer.alloc(100_000));
    inspector.input.end();
    await assert.rejects(inspector.result(), { code: 'type_not_allowed' });
    assert.equal(await inspect('exe', pe()), 'type_not_allowed');
  });

  it('refuses early, once the head is in, without waiting for the end', async () => {
    const inspector = createContentInspector({
      extension: 'pdf',
      allowed,
      limits: DEFAULT_ARCHIVE_LIMITS,
      headBytes: 1024,
    });
    inspector.input.write(pe());
    inspector.input.write(Buffer.alloc(1024));
    await assert.rejects(inspector.early, { code: 'active_content' });
    inspector.input.destroy();
  });

  it('refuses empty files', async () => {
    assert.equal(await inspect('pdf', Buffer.alloc(0)), 'file_empty');
  });
});
