import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitiseFilename } from './filename.ts';
import { InspectionRefusal } from './refusal.ts';

const refused = (raw: string) => () => {
  assert.throws(
    () => sanitiseFilename(raw),
    (e: unknown) => e instanceof InspectionRefusal && e.code === 'filename_invalid',
    JSON.stringify(raw),
  );
};

describe('sanitiseFilename', () => {
  it('refuses empty names', refused('   '));
  it('refuses names over 255 UTF-8 bytes', () => {
    refused('é'.repeat(126) + '.pdf')(); // 252 + 4 bytes
    assert.equal(sanitiseFilename('é'.repeat(125) + '.pdf').extension, 'pdf');
  });
  it('refuses separators, NUL and control characters', () => {
    for (const n of [
      'a/b.pdf',
      'a\\b.pdf',
      'a\0.pdf',
      'a\nb.pdf',
      'a\u0085b.pdf',
      'a\u007fb.pdf',
      'a\u2028.pdf',
    ]) {
      refused(n)();
    }
  });
  it('refuses traversal and hidden names', () => {
    for (const n of ['..', '.', '../x.pdf', '.htaccess', '.pdf']) refused(n)();
  });
  it('refuses bidi overrides and isolates', () => {
    for (const c of [
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ]) {
      refused(`invoice${c}fdp.exe`)();
    }
  });
  it('refuses names without an extension', () => {
    for (const n of ['README', 'report.', 'x.p df']) refused(n)();
  });
  it('normalises to NFC, trims, and lower-cases the extension', () => {
    const r = sanitiseFilename('  Cafe\u0301 Statement.PDF ');
    assert.deepEqual(r, { name: 'Café Statement.PDF', extension: 'pdf' });
    assert.equal(r.name, r.name.normalize('NFC'));
    assert.equal(sanitiseFilename('report..v2.tar.gz').extension, 'gz');
  });
});
