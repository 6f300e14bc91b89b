import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { AppError } from '../../../platform/errors.ts';
import { selectCommonPasswords } from './assets/build-common-passwords.ts';
import {
  CommonPasswordList,
  CommonPasswordListUnavailableError,
  getCommonPasswords,
  loadCommonPasswords,
} from './common-passwords.ts';

const dir = mkdtempSync(join(tmpdir(), 'dossier-common-passwords-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fileWith = (name: string, bytes: Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return pathToFileURL(path);
};

describe('the shipped common-password list', () => {
  it('loads once, with at least the top 100,000 entries, all lowercase', async () => {
    const list = await getCommonPasswords();
    assert.ok(list.size >= 100_000, `${list.size} entries`);
    assert.equal(await getCommonPasswords(), list, 'loaded once and kept');
    for (const p of ['123456', 'password', 'qwerty', 'iloveyou', 'sunshine', 'trustno1'])
      assert.equal(list.isCommon(p), true, p);
  });
});

describe('loadCommonPasswords fails closed', () => {
  const isUnavailable = (err: unknown) =>
    err instanceof CommonPasswordListUnavailableError &&
    err instanceof AppError &&
    err.code === 'unavailable';

  it('when the file is missing', async () => {
    await assert.rejects(loadCommonPasswords(pathToFileURL(join(dir, 'missing.txt.gz'))), isUnavailable);
  });

  it('when the file is corrupt', async () => {
    await assert.rejects(loadCommonPasswords(fileWith('garbage.gz', randomBytes(4096))), isUnavailable);
    const truncated = gzipSync('a\n'.repeat(200_000)).subarray(0, 200);
    await assert.rejects(loadCommonPasswords(fileWith('truncated.gz', truncated)), isUnavailable);
  });

  it('when the file has too few entries', async () => {
    await assert.rejects(
      loadCommonPasswords(fileWith('small.gz', gzipSync('password\n123456\n'))),
      isUnavailable,
    );
  });

  it('and loads a good file', async () => {
    const list = await loadCommonPasswords(fileWith('ok.gz', gzipSync('password\n123456\n')), 2);
    assert.equal(list.size, 2);
  });
});

describe('CommonPasswordList.isCommon', () => {
  const list = new CommonPasswordList(['password', 'dragon', 'abc', '123456789012345']);

  it('matches case-insensitively and exactly', () => {
    assert.equal(list.isCommon('PassWord'), true);
    assert.equal(list.isCommon('123456789012345'), true);
    assert.equal(list.isCommon('passwords'), false);
    assert.equal(list.isCommon('mypassword'), false);
  });

  it('strips leading and trailing digits, punctuation, symbols and spaces', () => {
    assert.equal(list.isCommon('Password1234567'), true);
    assert.equal(list.isCommon('2024-dragon-2024!'), true);
    assert.equal(list.isCommon('  dragon  '), true);
    assert.equal(list.isCommon('dra9gon'), false);
  });

  it('does not judge by a base shorter than 4 characters', () => {
    assert.equal(list.isCommon('abc7302019485613'), false);
  });
});

describe('selectCommonPasswords (the asset generator)', () => {
  it('keeps the ranked head whatever its length, and only long entries after it', () => {
    const head = Array.from({ length: 100_000 }, (_, i) => `p${i}`);
    const text = [...head, 'Short', 'LongEnough1', 'longenough1', 'ninechars', ''].join('\r\n');
    const selected = selectCommonPasswords(text);
    assert.equal(selected.length, 100_001);
    assert.ok(selected.includes('longenough1'));
    assert.ok(!selected.includes('short') && !selected.includes('ninechars'));
    assert.deepEqual(selected, [...selected].sort());
  });
});
