import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InspectionRefusal } from './refusal.ts';
import { TextValidator } from './text-rules.ts';

/** Runs bytes through a validator in pieces of `size`; returns the refusal code or null. */
function check(bytes: Buffer, size = bytes.length || 1): string | null {
  const v = new TextValidator();
  try {
    for (let i = 0; i < bytes.length; i += size) v.push(bytes.subarray(i, i + size));
    v.end();
    return null;
  } catch (e) {
    assert.ok(e instanceof InspectionRefusal);
    return e.code;
  }
}

describe('text rules', () => {
  it('accepts UTF-8 text with tabs, CRLF, a BOM and non-ASCII characters, in any chunking', () => {
    const csv = Buffer.from('\ufeffname;city\r\nZoë;Zürich\t€\n"<b>";x\f\n', 'utf8');
    for (const size of [1, 2, 3, 7, csv.length]) assert.equal(check(csv, size), null, `size ${size}`);
    assert.equal(check(Buffer.alloc(0)), null);
    assert.equal(check(Buffer.from('a < b\n')), null);
  });

  it('refuses invalid UTF-8, also split across chunks and truncated at the end', () => {
    assert.equal(check(Buffer.from([0x61, 0xff, 0x62])), 'text_invalid');
    assert.equal(check(Buffer.from([0x61, 0xc3]), 1), 'text_invalid');
    assert.equal(check(Buffer.from('caf\xe9', 'latin1')), 'text_invalid');
  });

  it('refuses NUL and control characters', () => {
    assert.equal(check(Buffer.from('a,b\0c\n')), 'text_invalid');
    assert.equal(check(Buffer.from('a\u001bb')), 'text_invalid');
    assert.equal(check(Buffer.from('a\u0085b')), 'text_invalid');
    assert.equal(check(Buffer.from('a\u007fb')), 'text_invalid');
  });

  it('refuses markup at the start, after whitespace and a BOM, in any case and chunking', () => {
    for (const t of [
      '<!DOCTYPE html><p>x',
      '  \n<HTML>',
      '\ufeff<script>alert(1)</script>',
      '<iframe src=x>',
      '<svg xmlns="http://www.w3.org/2000/svg">',
      '<?xml version="1.0"?>',
      '<!-- comment -->',
      '<body onload=x>',
      '<a href=x>',
      '<svg',
    ]) {
      for (const size of [1, 4, 1000])
        assert.equal(check(Buffer.from(t), size), 'active_content', `${t} / ${size}`);
    }
  });

  it('does not mistake text starting with "<" for markup', () => {
    assert.equal(check(Buffer.from('<abc> is not a tag\n')), null);
    assert.equal(check(Buffer.from('<brand>;value\n')), null);
  });
});
