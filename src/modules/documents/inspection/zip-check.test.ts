import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ALLOWED_EXTENSIONS } from './file-policy.ts';
import { InspectionRefusal } from './refusal.ts';
import { tinyPdf } from './test-pdf.ts';
import { bufferSource, buildZip, type TestZipEntry } from './test-zip.ts';
import { checkZip, DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './zip-check.ts';

const policy = { allowed: new Set(DEFAULT_ALLOWED_EXTENSIONS) };

async function check(
  entries: TestZipEntry[] | Buffer,
  limits: Partial<ArchiveLimits> = {},
): Promise<string | null> {
  const zip = Buffer.isBuffer(entries) ? entries : buildZip(entries);
  try {
    await checkZip(bufferSource(zip), { ...DEFAULT_ARCHIVE_LIMITS, ...limits }, policy);
    return null;
  } catch (e) {
    assert.ok(e instanceof InspectionRefusal, String(e));
    return e.code;
  }
}

const txt = (name: string, text = 'hello\n'): TestZipEntry => ({ name, data: Buffer.from(text) });

describe('checkZip', () => {
  it('passes a normal archive with a PDF and a text file, stored or deflated, in folders', async () => {
    assert.equal(
      await check([
        { name: 'statements/', data: Buffer.alloc(0), method: 'store' },
        { name: 'statements/march.pdf', data: tinyPdf(), method: 'store' },
        txt('notes.txt', 'Zoë\n'.repeat(1000)),
      ]),
      null,
    );
  });

  it('refuses a zip bomb by its declared size, its actual size, or its ratio', async () => {
    const zeros = Buffer.alloc(50 * 1024 * 1024);
    assert.equal(
      await check([{ name: 'zeros.txt', data: zeros }], { maxUnpackedBytes: 10 * 1024 * 1024 }),
      'archive_too_large',
    );
    assert.equal(await check([{ name: 'zeros.txt', data: zeros }]), 'archive_ratio');
    // Headers that understate the size: the actual inflated bytes are counted, and checked by yauzl.
    const lying = await check(
      [{ name: 'zeros.txt', data: Buffer.alloc(20 * 1024 * 1024), declaredSize: 1000 }],
      {
        maxUnpackedBytes: 10 * 1024 * 1024,
      },
    );
    assert.ok(lying === 'archive_too_large' || lying === 'archive_invalid', String(lying));
  });

  it('refuses too many entries', async () => {
    const many = Array.from({ length: 11 }, (_, i) => txt(`f${i}.txt`));
    assert.equal(await check(many, { maxEntries: 10 }), 'archive_too_many_entries');
    assert.equal(await check(many.slice(0, 10), { maxEntries: 10 }), null);
  });

  it('refuses nested archives, by name and by content', async () => {
    const inner = buildZip([txt('a.txt')]);
    assert.equal(await check([{ name: 'inner.zip', data: inner }]), 'archive_nested');
    assert.equal(await check([{ name: 'inner.tar.gz', data: inner }]), 'archive_nested');
    assert.equal(await check([{ name: 'inner.pdf', data: inner }]), 'type_mismatch');
  });

  it('refuses entries that would be refused as uploads', async () => {
    assert.equal(await check([txt('index.html', '<html><script>x</script></html>')]), 'type_not_allowed');
    assert.equal(await check([txt('photo.jpg', '<html><script>x</script></html>')]), 'active_content');
    assert.equal(await check([txt('data.csv', 'a\0b')]), 'text_invalid');
    assert.equal(
      await check([{ name: 'a.pdf', data: tinyPdf('/OpenAction << /S /JavaScript /JS (x) >> ') }]),
      'active_content',
    );
  });

  it('refuses traversal, absolute and hidden names', async () => {
    for (const name of [
      '../evil.txt',
      'a/../../evil.txt',
      '/etc/evil.txt',
      'C:/evil.txt',
      'a\\..\\evil.txt',
      'a/.htaccess',
      'x/\u202eevil.txt',
    ]) {
      const code = await check([txt(name)]);
      assert.ok(code === 'archive_invalid', `${name}: ${code}`);
    }
  });

  it('refuses encrypted entries and damaged archives', async () => {
    assert.equal(await check([{ ...txt('a.txt'), encrypted: true }]), 'archive_encrypted');
    assert.equal(await check(Buffer.from('PK\x03\x04 not really a zip')), 'archive_invalid');
    const zip = buildZip([txt('a.txt', 'x'.repeat(1000))]);
    zip[40]! ^= 0xff; // inside the deflated data
    assert.ok(['archive_invalid', 'text_invalid', 'active_content'].includes((await check(zip))!));
  });
});
