import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createCtx, type Ctx } from '../../../platform/context.ts';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { testKeyring } from '../../../../test/support/keyring.ts';
import {
  beginAttempt as beginAttemptWithEqualiser,
  type AllowedAttempt,
  type AttemptDecision,
  type BeginAttemptInput,
} from './begin-attempt.ts';
import { liftDelay } from './lift-delay.ts';

/** The guard, with refusals reduced to plain data (their `equalise` is tested on its own). */
async function beginAttempt(...args: Parameters<typeof beginAttemptWithEqualiser>): Promise<AttemptDecision> {
  const d = await beginAttemptWithEqualiser(...args);
  if (d.allowed) return d;
  const { equalise: _equalise, ...refused } = d;
  return refused as AttemptDecision;
}
import { purgeThrottle } from './purge-throttle.ts';
import { hashKeyPart, normaliseAccount, sourceKey } from './throttle.keys.ts';
import { DEFAULT_THROTTLE_POLICY, resolveThrottlePolicy, type ThrottlePolicy } from './throttle.options.ts';

const T0 = new Date('2026-11-24T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

let seq = 0;
/** A fresh username and address per test: the suite shares one database. */
const freshAccount = () => `user${++seq}-${randomUUID().slice(0, 6)}`;
const freshIp = () => `10.${Math.floor(++seq / 250) % 250}.${seq % 250}.${(seq * 7) % 250}`;

for (const backend of backends) {
  describe(`block-delay guard [${backend.kind}]`, () => {
    let db: TestDatabase;
    let admin: Ctx;

    before(async () => {
      db = await backend.open();
      admin = createCtx({
        db: db.db,
        keyring: testKeyring(),
        actor: {
          kind: 'api_key',
          id: randomUUID(),
          name: 'admin',
          rights: new Set(['user:manage']),
          programmes: 'all',
        },
        now: () => T0,
      });
    });
    after(() => db.dispose());

    type Input = Omit<Extract<BeginAttemptInput, { scope: 'password' }>, 'scope'>;
    const begin = (input: Input, policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY) =>
      beginAttempt(db.db, { scope: 'password', ...input }, policy);
    const allowed = (d: AttemptDecision): AllowedAttempt => {
      assert.equal(d.allowed, true, `refused: ${JSON.stringify(d)}`);
      return d as AllowedAttempt;
    };
    /** A wrong password that the guard let through; returns the delay it imposed. */
    const wrong = async (input: Input, policy?: ThrottlePolicy) =>
      (await allowed(await begin(input, policy)).fail()).delayMs;
    const counter = (kind: 'account' | 'account_ip' | 'ip', account: string, ip: string) =>
      db.db
        .selectFrom('auth_throttle')
        .select(['failures', 'streak', 'delayed_until'])
        .where('scope', '=', 'password')
        .where('kind', '=', kind)
        .where('account', '=', kind === 'ip' ? '' : hashKeyPart('account', normaliseAccount(account)))
        .where('source', '=', kind === 'account' ? '' : sourceKey(ip))
        .executeTakeFirst();
    const auditOf = async (type: string, since: string) =>
      db.db
        .selectFrom('audit_events')
        .select(['payload', 'target_type', 'target_id', 'actor'])
        .where('type', '=', type)
        .where('seq', '>', since)
        .orderBy('seq')
        .execute();
    const headSeq = async () =>
      (await db.db.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq;

    it("a refusal's equaliser locks the counters like a failure would, and changes nothing", async () => {
      const account = `eq-${randomUUID()}`;
      const ip = '198.51.100.77';
      for (let i = 0; i < 5; i++) await wrong({ account, ip, now: T0 });
      const before = await counter('account_ip', account, ip);
      const d = await beginAttemptWithEqualiser(db.db, { scope: 'password', account, ip, now: T0 });
      assert.equal(d.allowed, false);
      if (!d.allowed) await d.equalise();
      assert.deepEqual(await counter('account_ip', account, ip), before);
    });

    it('the 5th failure imposes a delay; during it even the right password is refused; it grows; it ends', async () => {
      const account = freshAccount();
      const ip = freshIp();
      const userId = randomUUID();
      const since = await headSeq();
      for (let i = 1; i <= 4; i++) assert.equal(await wrong({ account, ip, now: T0, userId }), 0);
      assert.equal(await wrong({ account, ip, now: T0, userId }), 30 * S);

      // During the delay: refused before any verification, so a right password would not be checked.
      for (const t of [0, 10 * S, 30 * S - 1]) {
        const d = await begin({ account, ip, now: at(t) });
        assert.deepEqual(d, { allowed: false, retryAfterMs: 30 * S - t, key: 'account_ip' });
      }
      // Refusals count nowhere: waiting them out does not lengthen the delay.
      assert.equal((await counter('account_ip', account, ip))?.failures, 5);

      // It ends; the next failure doubles it.
      assert.equal(await wrong({ account, ip, now: at(30 * S), userId }), 60 * S);
      assert.equal((await begin({ account, ip, now: at(89 * S) })).allowed, false);
      assert.equal(await wrong({ account, ip, now: at(90 * S), userId }), 2 * MIN);

      // After it, the right password gets through and forgets the failures.
      await allowed(await begin({ account, ip, now: at(90 * S + 2 * MIN) })).succeed();
      assert.equal(await counter('account_ip', account, ip), undefined);
      assert.equal((await counter('account', account, ip))?.failures, 0);
      assert.equal(await wrong({ account, ip, now: at(5 * MIN) }), 0);

      const events = await auditOf('auth.delay_imposed', since);
      assert.deepEqual(
        events.map((e) => e.payload),
        [5, 6, 7].map((failures, i) => ({
          scope: 'password',
          key: 'account_ip',
          failures,
          delayMs: [30 * S, 60 * S, 2 * MIN][i],
          locked: false,
          ip,
        })),
      );
      assert.ok(events.every((e) => e.target_type === 'staff_user' && e.target_id === userId));
      assert.ok(events.every((e) => e.actor === 'system:auth-throttle'));
      // The username typed is not stored in the counters or the audit trail.
      const rows = await db.db.selectFrom('auth_throttle').selectAll().execute();
      assert.equal(JSON.stringify(rows).includes(account), false);
      assert.equal(JSON.stringify(events).includes(account), false);
    });

    it('50 concurrent attempts for one account from one source: exactly the 5 free ones get through', async () => {
      const account = freshAccount();
      const ip = freshIp();
      const decisions = await Promise.all(Array.from({ length: 50 }, () => begin({ account, ip, now: T0 })));
      const through = decisions.filter((d): d is AllowedAttempt => d.allowed);
      assert.equal(through.length, DEFAULT_THROTTLE_POLICY.password.freeAttempts.account_ip);
      const delays = await Promise.all(through.map((d) => d.fail()));
      assert.equal(Math.max(...delays.map((d) => d.delayMs)), 30 * S);
      assert.deepEqual(
        { ...(await counter('account_ip', account, ip)) },
        { failures: 5, streak: 5, delayed_until: at(30 * S) },
      );

      // When the delay ends, 50 parallel attempts again let exactly one through.
      const next = await Promise.all(
        Array.from({ length: 50 }, () => begin({ account, ip, now: at(30 * S) })),
      );
      const one = next.filter((d): d is AllowedAttempt => d.allowed);
      assert.equal(one.length, 1);
      assert.equal((await one[0]!.fail()).delayMs, 60 * S);
    });

    it('50 concurrent attempts on one account from 50 sources: exactly the 10 account-wide ones get through', async () => {
      const account = freshAccount();
      const ips = Array.from({ length: 50 }, freshIp);
      const decisions = await Promise.all(ips.map((ip) => begin({ account, ip, now: T0 })));
      const through = decisions.filter((d): d is AllowedAttempt => d.allowed);
      assert.equal(through.length, DEFAULT_THROTTLE_POLICY.password.freeAttempts.account);
      await Promise.all(through.map((d) => d.fail()));
      const refused = await begin({ account, ip: freshIp(), now: at(S) });
      assert.deepEqual(refused, { allowed: false, retryAfterMs: 29 * S, key: 'account' });
    });

    it('a success forgets that source’s failures (account+IP and IP) but not other sources’', async () => {
      const account = freshAccount();
      const [office, attacker] = [freshIp(), freshIp()];
      for (let i = 0; i < 3; i++) await wrong({ account, ip: office, now: T0 });
      for (let i = 0; i < 4; i++) await wrong({ account, ip: attacker, now: T0 });
      assert.equal((await counter('account', account, office))?.failures, 7);
      assert.equal((await counter('ip', account, office))?.failures, 3);

      await allowed(await begin({ account, ip: office, now: at(S) })).succeed();
      assert.equal(await counter('account_ip', account, office), undefined);
      assert.equal((await counter('ip', account, office))?.failures, 0);
      // The attacker's 4 failures stay, on the account and on their own pair.
      assert.deepEqual(
        { ...(await counter('account', account, office)) },
        { failures: 4, streak: 0, delayed_until: null },
      );
      assert.equal((await counter('account_ip', account, attacker))?.failures, 4);
      assert.equal(await wrong({ account, ip: attacker, now: at(2 * S) }), 30 * S);
    });

    it('a release does not count, and takes back the hold it placed', async () => {
      const account = freshAccount();
      const ip = freshIp();
      for (let i = 0; i < 4; i++) await wrong({ account, ip, now: T0 });
      // The 5th attempt holds the next delay while it is being verified: a parallel one is refused.
      const fifth = allowed(await begin({ account, ip, now: T0 }));
      assert.equal((await begin({ account, ip, now: T0 })).allowed, false);
      // Refused for another reason (say, the user is disabled): no failure, no delay.
      await fifth.release();
      for (let i = 0; i < 10; i++) await allowed(await begin({ account, ip, now: T0 })).release();
      assert.deepEqual(
        { ...(await counter('account_ip', account, ip)) },
        { failures: 4, streak: 4, delayed_until: null },
      );
      assert.equal(await wrong({ account, ip, now: T0 }), 30 * S);
      await assert.rejects(fifth.release(), /already settled/);
    });

    it('the IP-wide counter trips across many accounts (credential stuffing), not other sources', async () => {
      const ip = freshIp();
      const since = await headSeq();
      const free = DEFAULT_THROTTLE_POLICY.password.freeAttempts.ip;
      for (let i = 1; i < free; i++) assert.equal(await wrong({ account: freshAccount(), ip, now: T0 }), 0);
      assert.equal(await wrong({ account: freshAccount(), ip, now: T0 }), 30 * S);
      assert.deepEqual(await begin({ account: freshAccount(), ip, now: at(S) }), {
        allowed: false,
        retryAfterMs: 29 * S,
        key: 'ip',
      });
      assert.equal((await begin({ account: freshAccount(), ip: freshIp(), now: at(S) })).allowed, true);
      const [event] = await auditOf('auth.delay_imposed', since);
      assert.deepEqual(event?.payload, {
        scope: 'password',
        key: 'ip',
        failures: 50,
        delayMs: 30 * S,
        locked: false,
        ip,
      });
      assert.equal(event?.target_type, null);
    });

    it('spelling variants of a username and addresses of one IPv6 /64 share their counters', async () => {
      const account = freshAccount();
      const variants = [
        account,
        account.toUpperCase(),
        ` ${account} `,
        account.toUpperCase().normalize('NFKD'),
      ];
      for (let i = 0; i < 5; i++) {
        await wrong({ account: variants[i % variants.length]!, ip: `2001:db8:77:${seq}::${i + 1}`, now: T0 });
      }
      const d = await begin({ account: account.toUpperCase(), ip: `2001:db8:77:${seq}:ffff::1`, now: at(S) });
      assert.deepEqual(d, { allowed: false, retryAfterMs: 29 * S, key: 'account_ip' });
      // Another /64 is another source (the account-wide counter is not yet at its limit).
      assert.equal((await begin({ account, ip: `2001:db8:78:${seq}::1`, now: at(S) })).allowed, true);
    });

    it('forgets failures a window after the last one', async () => {
      const account = freshAccount();
      const ip = freshIp();
      for (let i = 0; i < 4; i++) await wrong({ account, ip, now: T0 });
      const later = 24 * HOUR;
      for (let i = 0; i < 4; i++) assert.equal(await wrong({ account, ip, now: at(later) }), 0);
      assert.equal(await wrong({ account, ip, now: at(later) }), 30 * S);
    });

    it('the second-factor scope is independent of the password scope, and stricter', async () => {
      const account = freshAccount();
      const ip = freshIp();
      const userId = randomUUID();
      const since = await headSeq();
      const code = (attemptId: string, now = T0) =>
        beginAttempt(db.db, { scope: 'second_factor', account, attemptId, ip, now, userId });

      for (let i = 0; i < 2; i++) assert.equal((await allowed(await code('A')).fail()).delayMs, 0);
      assert.equal((await allowed(await code('A')).fail()).delayMs, MIN); // 3 per login attempt
      assert.deepEqual(await code('A', at(S)), { allowed: false, retryAfterMs: MIN - S, key: 'attempt' });
      // The password step is unaffected.
      assert.equal(await counter('account', account, ip), undefined);
      await allowed(await begin({ account, ip, now: at(S) })).release();

      // A new login attempt does not reset the user's counter: 5 across attempts.
      assert.equal((await allowed(await code('B', at(S))).fail()).delayMs, 0);
      assert.equal((await allowed(await code('B', at(S))).fail()).delayMs, MIN);
      assert.deepEqual(await code('C', at(2 * S)), { allowed: false, retryAfterMs: MIN - S, key: 'user' });

      // And password failures do not touch the second-factor counters.
      for (let i = 0; i < 4; i++) await wrong({ account, ip, now: at(2 * MIN) });
      assert.equal((await code('D', at(2 * MIN))).allowed, true);

      const kinds = (await auditOf('auth.delay_imposed', since)).map(
        (e) => (e.payload as { key: string }).key,
      );
      assert.deepEqual(kinds, ['attempt', 'user']);
      await assert.rejects(
        beginAttempt(db.db, { scope: 'second_factor', account, attemptId: '', ip, now: T0 }),
        /login attempt id/,
      );
    });

    it('liftDelay clears an account’s delays in both scopes and is audited', async () => {
      const account = freshAccount();
      const ip = freshIp();
      const userId = randomUUID();
      for (let i = 0; i < 5; i++) await wrong({ account, ip, now: T0 });
      for (let i = 0; i < 3; i++)
        await allowed(
          await beginAttempt(db.db, { scope: 'second_factor', account, attemptId: 'X', ip, now: T0 }),
        ).fail();
      assert.equal((await begin({ account, ip, now: at(S) })).allowed, false);

      const since = await headSeq();
      const cleared = await liftDelay(db.db, admin, { account: account.toUpperCase(), userId });
      assert.equal(cleared, 4); // account, account+IP, user, attempt
      assert.equal((await begin({ account, ip, now: at(S) })).allowed, true);
      assert.equal(
        (await beginAttempt(db.db, { scope: 'second_factor', account, attemptId: 'X', ip, now: at(S) }))
          .allowed,
        true,
      );
      const [event] = await auditOf('auth.delay_lifted', since);
      assert.deepEqual(event, {
        payload: { account: normaliseAccount(account), ip: null, cleared: 4 },
        target_type: 'staff_user',
        target_id: userId,
        actor: `api_key:${(admin.actor as { id: string }).id}`,
      });
    });

    it('liftDelay on an address clears its source-wide delay', async () => {
      const ip = freshIp();
      const p = resolveThrottlePolicy({ password: { freeAttempts: { ip: 2 } } });
      await wrong({ account: freshAccount(), ip, now: T0 }, p);
      await wrong({ account: freshAccount(), ip, now: T0 }, p);
      assert.equal((await begin({ account: freshAccount(), ip, now: T0 }, p)).allowed, false);
      const since = await headSeq();
      assert.equal(await liftDelay(db.db, admin, { ip: `::ffff:${ip}` }), 1);
      assert.equal((await begin({ account: freshAccount(), ip, now: T0 }, p)).allowed, true);
      assert.deepEqual((await auditOf('auth.delay_lifted', since))[0]?.payload, {
        account: null,
        ip,
        cleared: 1,
      });
    });

    it('an optional hard lock after N consecutive failures outlasts the window until a lift', async () => {
      const p = resolveThrottlePolicy({
        password: { hardLockAfter: 3, freeAttempts: { account: 50, account_ip: 50 } },
      });
      const account = freshAccount();
      const ip = freshIp();
      const since = await headSeq();
      // A success ends the streak.
      await wrong({ account, ip, now: T0 }, p);
      await wrong({ account, ip, now: T0 }, p);
      await allowed(await begin({ account, ip, now: T0 }, p)).succeed();
      for (let i = 0; i < 2; i++) await wrong({ account, ip: freshIp(), now: T0 }, p);
      const thirdIp = freshIp();
      const third = await allowed(await begin({ account, ip: thirdIp, now: T0 }, p)).fail();
      assert.deepEqual(third, { delayMs: 0, locked: true });
      for (const t of [S, 2 * 24 * HOUR]) {
        assert.deepEqual(await begin({ account, ip: freshIp(), now: at(t) }, p), {
          allowed: false,
          retryAfterMs: null,
          key: 'account',
        });
      }
      assert.deepEqual(
        (await auditOf('auth.delay_imposed', since)).map((e) => e.payload),
        [{ scope: 'password', key: 'account', failures: 3, delayMs: 0, locked: true, ip: thirdIp }],
      );
      await liftDelay(db.db, admin, { account });
      assert.equal((await begin({ account, ip, now: at(2 * 24 * HOUR) }, p)).allowed, true);
    });

    it('purgeThrottle drops counters past their window and keeps live ones', async () => {
      const [oldAccount, liveAccount] = [freshAccount(), freshAccount()];
      const [ipA, ipB] = [freshIp(), freshIp()];
      await wrong({ account: oldAccount, ip: ipA, now: at(-25 * HOUR) });
      await wrong({ account: liveAccount, ip: ipB, now: at(-HOUR) });
      await purgeThrottle(db.db, { now: T0 });
      assert.equal(await counter('account_ip', oldAccount, ipA), undefined);
      assert.equal(await counter('ip', oldAccount, ipA), undefined);
      assert.equal((await counter('account_ip', liveAccount, ipB))?.failures, 1);
    });
  });
}
