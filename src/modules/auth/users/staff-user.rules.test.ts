import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOKEN_LIFETIMES, resolveTokenLifetimes } from './staff-user.options.ts';
import { presentStaffUser } from './staff-user.presenter.ts';
import type { StaffUserRow } from './staff-user.repository.ts';
import { maskMobile, normaliseEmail, normaliseMobile, normaliseUsername } from './staff-user.rules.ts';
import { hashUserToken, isWellFormedUserToken, newUserToken } from './staff-user.token.ts';

describe('staff-user rules', () => {
  it('lower-cases usernames and enforces the character set, length and reserved names', () => {
    assert.equal(normaliseUsername('  Ada.Lovelace_1-x '), 'ada.lovelace_1-x');
    assert.equal(normaliseUsername('ＡＤＡ'), 'ada'); // NFKC folds full-width letters first
    for (const bad of ['ab', 'a'.repeat(65), 'ada lovelace', 'ada@x', 'ädä', 'ADMIN', 'System', 'dossier'])
      assert.throws(() => normaliseUsername(bad), /username/);
  });

  it('accepts E.164 mobile numbers only, after removing separators', () => {
    assert.equal(normaliseMobile('+41 (79) 123-45.67'), '+41791234567');
    for (const bad of ['0791234567', '+0123456789', '+12', '+1234567890123456', '+41 79 abc'])
      assert.throws(() => normaliseMobile(bad), /mobile/);
    assert.equal(maskMobile('4567'), '••••4567');
    assert.equal(maskMobile(null), null);
  });

  it('checks e-mail addresses loosely', () => {
    assert.equal(normaliseEmail(' a@b.test '), 'a@b.test');
    for (const bad of ['a', 'a@b', 'a b@c.test', 'a@b@c.test'])
      assert.throws(() => normaliseEmail(bad), /e-mail/);
  });

  it('makes 256-bit tokens stored as SHA-256', () => {
    const { token, hash } = newUserToken();
    assert.ok(isWellFormedUserToken(token));
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.deepEqual(hash, hashUserToken(token));
    assert.equal(hash.length, 32);
    assert.notEqual(newUserToken().token, token);
    assert.ok(!isWellFormedUserToken(`${token}x`));
  });

  it('defaults token lifetimes to 24 h and 1 h and refuses values outside the caps', () => {
    assert.deepEqual(resolveTokenLifetimes(), DEFAULT_TOKEN_LIFETIMES);
    assert.deepEqual(resolveTokenLifetimes({ resetMs: 1_800_000, activationMs: undefined }), {
      activationMs: 86_400_000,
      resetMs: 1_800_000,
    });
    assert.throws(() => resolveTokenLifetimes({ activationMs: 7 * 86_400_000 }), /activationMs/);
    assert.throws(() => resolveTokenLifetimes({ resetMs: 86_400_000 }), /resetMs/);
    assert.throws(() => resolveTokenLifetimes({ resetMs: 1000 }), /resetMs/);
  });

  it('presents an allow-list: no hash, no ciphertext', () => {
    const at = new Date('2026-11-24T09:00:00.000Z');
    const row: StaffUserRow = {
      id: '00000000-0000-4000-8000-000000000001',
      username: 'ada',
      display_name: 'Ada',
      email: 'ada@example.test',
      status: 'active',
      created_at: at,
      updated_at: at,
      password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      password_changed_at: at,
      mobile_enc: Buffer.from('ciphertext'),
      mobile_last4: '1234',
      disabled_at: null,
      version: 3,
      source: 'local',
      directory_dn: null,
      directory_id: null,
      directory_synced_at: null,
      directory_disabled: false,
    };
    const view = presentStaffUser(row);
    assert.equal(view.mobileMasked, '••••1234');
    assert.equal(view.activated, true);
    const text = JSON.stringify(view);
    assert.ok(!text.includes('argon2') && !text.includes('ciphertext') && !text.includes('Y2lwaGVy'));
  });
});
