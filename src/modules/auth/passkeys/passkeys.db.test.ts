/**
 * Passkey challenges on both databases: single use even under parallel answers, bound to their
 * purpose, realm, user and session, dead after their lifetime, purged by housekeeping. And the
 * passkey name rules.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { insertStaffUser } from '../../../../test/support/context.ts';
import { consumeChallenge, issueChallenge } from './challenges.ts';
import { purgeChallenges } from './passkeys.repository.ts';
import { normalisePasskeyName } from './register-passkey.ts';

const TTL = 5 * 60_000;

for (const backend of backends) {
  describe(`passkey challenges [${backend.kind}]`, () => {
    let db: TestDatabase;
    let userId: string;
    let sessionId: string;
    before(async () => {
      db = await backend.open();
      userId = await insertStaffUser(db.db);
      sessionId = randomUUID();
      const now = new Date();
      await db.db
        .insertInto('sessions')
        .values({
          id: sessionId,
          token_hash: Buffer.from(randomUUID().replaceAll('-', ''), 'hex'),
          user_id: userId,
          csrf_token: 'c',
          created_at: now,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + 3_600_000),
        })
        .execute();
    });
    after(() => db.dispose());

    const issue = (purpose: 'step_up' | 'passwordless', now = new Date()) =>
      issueChallenge(db.db, {
        purpose,
        realm: 'staff',
        userId: purpose === 'passwordless' ? null : userId,
        sessionId: purpose === 'passwordless' ? null : sessionId,
        userVerification: 'required',
        ip: null,
        now,
        ttlMs: TTL,
      });

    it('ten parallel answers to one challenge: exactly one consumes it, the others are replays', async () => {
      const challenge = await issue('step_up');
      const now = new Date();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          consumeChallenge(db.db, {
            challenge,
            purpose: 'step_up',
            realm: 'staff',
            now,
            binding: { userId, sessionId },
          }),
        ),
      );
      assert.equal(results.filter((r) => r.ok).length, 1);
      for (const r of results.filter((x) => !x.ok))
        assert.equal((r as { reason: string }).reason, 'challenge_replayed');
    });

    it('another purpose, realm, user or session does not find it; a late answer is expired', async () => {
      const now = new Date();
      const challenge = await issue('step_up', now);
      const base = { challenge, now, binding: { userId, sessionId } } as const;
      assert.deepEqual(await consumeChallenge(db.db, { ...base, purpose: 'second_factor', realm: 'staff' }), {
        ok: false,
        reason: 'challenge_unknown',
      });
      assert.deepEqual(await consumeChallenge(db.db, { ...base, purpose: 'step_up', realm: 'client' }), {
        ok: false,
        reason: 'challenge_unknown',
      });
      const other = await issue('step_up', now);
      assert.deepEqual(
        await consumeChallenge(db.db, {
          ...base,
          challenge: other,
          purpose: 'step_up',
          realm: 'staff',
          binding: { userId, sessionId: randomUUID() },
        }),
        { ok: false, reason: 'challenge_unknown' },
      );
      const late = await issue('passwordless', now);
      assert.deepEqual(
        await consumeChallenge(db.db, {
          challenge: late,
          purpose: 'passwordless',
          realm: 'staff',
          now: new Date(now.getTime() + TTL + 1),
          binding: null,
        }),
        { ok: false, reason: 'challenge_expired' },
      );
      assert.deepEqual(
        await consumeChallenge(db.db, {
          challenge: 'never-issued',
          purpose: 'passwordless',
          realm: 'staff',
          now,
          binding: null,
        }),
        { ok: false, reason: 'challenge_unknown' },
      );
    });

    it('housekeeping purges expired challenges only', async () => {
      const now = new Date();
      await issue('passwordless', new Date(now.getTime() - 2 * TTL));
      const live = await issue('passwordless', now);
      assert.ok((await purgeChallenges(db.db, now)) >= 1);
      const left = await consumeChallenge(db.db, {
        challenge: live,
        purpose: 'passwordless',
        realm: 'staff',
        now,
        binding: null,
      });
      assert.equal(left.ok, true);
    });
  });
}

describe('passkey names', () => {
  it('are trimmed and collapsed; empty, too long, control or bidi characters are refused', () => {
    assert.equal(normalisePasskeyName('  work \t laptop '), 'work laptop');
    for (const bad of ['', '   ', 'x'.repeat(101), 'a\u0000b', 'a\u202Eb'])
      assert.throws(() => normalisePasskeyName(bad), /1 to 100 characters/);
  });
});
