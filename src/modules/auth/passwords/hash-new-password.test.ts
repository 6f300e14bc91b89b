import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCommonPasswords, CommonPasswordListUnavailableError } from './common-passwords.ts';
import { hashNewPassword, PasswordPolicyError } from './hash-new-password.ts';
import { MIN_ARGON2_PARAMS, PasswordHasher, type Argon2Backend } from './password-hashing.ts';

/** A hasher that records whether anything was hashed. */
function recordingHasher() {
  const hashed: string[] = [];
  const argon2: Argon2Backend = {
    hash: async (password) => {
      hashed.push(password);
      return '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
    },
    verify: async () => false,
  };
  return { hasher: new PasswordHasher({ ...MIN_ARGON2_PARAMS, argon2 }), hashed };
}

describe('hashNewPassword', () => {
  it('hashes a password that meets the policy', async () => {
    const hasher = new PasswordHasher(MIN_ARGON2_PARAMS);
    const hash = await hashNewPassword(hasher, 'violet tractor on the moor', { minLength: 15 });
    assert.equal(await hasher.verifyPassword(hash, 'violet tractor on the moor'), true);
  });

  it('refuses a password that breaks the policy with every problem code, and hashes nothing', async () => {
    const { hasher, hashed } = recordingHasher();
    await assert.rejects(
      hashNewPassword(hasher, 'Password', { minLength: 15, username: 'password' }),
      (err: unknown) =>
        err instanceof PasswordPolicyError &&
        err.code === 'validation' &&
        err.status === 400 &&
        err.problems.map((p) => p.code).join() === 'too_short,common,contains_context',
    );
    assert.deepEqual(hashed, []);
  });

  it('fails, and hashes nothing, when the common-password list cannot be loaded', async () => {
    const { hasher, hashed } = recordingHasher();
    const missing = () => loadCommonPasswords(new URL('file:///nonexistent/list.gz'));
    await assert.rejects(
      hashNewPassword(hasher, 'violet tractor on the moor', { minLength: 15, commonPasswords: missing }),
      CommonPasswordListUnavailableError,
    );
    assert.deepEqual(hashed, []);
  });
});
