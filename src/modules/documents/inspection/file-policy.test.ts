import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_ALLOWED_EXTENSIONS,
  isActiveContentType,
  mediaTypeFor,
  NEVER_ALLOWED_EXTENSIONS,
  validateAllowList,
} from './file-policy.ts';

describe('file policy', () => {
  it('allows no never-allowed type by default', () => {
    assert.ok(DEFAULT_ALLOWED_EXTENSIONS.every((e) => !NEVER_ALLOWED_EXTENSIONS.has(e)));
    assert.deepEqual(validateAllowList([...DEFAULT_ALLOWED_EXTENSIONS]), [...DEFAULT_ALLOWED_EXTENSIONS]);
  });

  it('refuses allow-lists naming active types, naming each offender', () => {
    assert.throws(() => validateAllowList(['pdf', 'HTML', '.svg', 'docm']), /html, svg, docm/);
    assert.throws(() => validateAllowList(['pdf', 'exe']), /exe/);
  });

  it('refuses allow-lists with types it cannot inspect', () => {
    assert.throws(() => validateAllowList(['pdf', 'odt']), /without a content rule: odt/);
  });

  it('normalises allow-list entries', () => {
    assert.deepEqual(validateAllowList([' PDF', '.jpg', 'pdf']), ['pdf', 'jpg']);
  });

  it('serves our own media types', () => {
    assert.equal(mediaTypeFor('csv'), 'text/csv; charset=utf-8');
    assert.equal(mediaTypeFor('jpg'), 'image/jpeg');
    assert.equal(mediaTypeFor('pdf'), 'application/pdf');
    assert.throws(() => mediaTypeFor('html'));
    assert.throws(() => mediaTypeFor('constructor'));
  });

  it('knows active content types', () => {
    for (const m of [
      'application/x-msdownload',
      'application/x-elf',
      'application/x-mach-binary',
      'application/wasm',
      'application/xml',
      'application/vnd.ms-word.document.macroenabled.12',
    ]) {
      assert.ok(isActiveContentType(m), m);
    }
    assert.ok(!isActiveContentType('image/png'));
  });
});
