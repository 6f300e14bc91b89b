import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';
import { AppError } from '../../../platform/errors.ts';
import {
  MAX_PASSWORD_INPUT,
  MIN_ARGON2_PARAMS,
  needsRehash,
  PasswordHasher,
  PasswordHashingBusyError,
  type Argon2Backend,
} from './password-hashing.ts';

const PARAMS = { ...MIN_ARGON2_PARAMS };
const PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

/** The real argon2, recording every call. */
function spyBackend() {
  const calls: { op: 'hash' | 'verify'; hash?: string }[] = [];
  const backend: Argon2Backend = {
    hash: async (password, options) => {
      calls.push({ op: 'hash' });
      return argon2Hash(password, options);
    },
    verify: async (hash, password) => {
      calls.push({ op: 'verify', hash });
      return argon2Verify(hash, password);
    },
  };
  return { backend, calls };
}

/** A backend whose calls stay pending until released, counting how many are in flight. */
function blockingBackend() {
  let inFlight = 0;
  let maxInFlight = 0;
  const releases: (() => void)[] = [];
  const block = <T>(value: T) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<T>((resolve) =>
      releases.push(() => {
        inFlight--;
        resolve(value);
      }),
    );
  };
  const backend: Argon2Backend = {
    hash: () => block(`${PREFIX}c2FsdHNhbHRzYWx0c2FsdA$aGFzaA`),
    verify: () => block(false),
  };
  return {
    backend,
    releaseAll: () => releases.splice(0).forEach((r) => r()),
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(PARAMS);

  it('hashes with argon2id at the configured parameters and verifies the same password', async () => {
    const hash = await hasher.hashPassword('correct horse battery staple');
    assert.ok(hash.startsWith(PREFIX), hash);
    assert.equal(await hasher.verifyPassword(hash, 'correct horse battery staple'), true);
  });

  it('salts every hash', async () => {
    assert.notEqual(await hasher.hashPassword('same password'), await hasher.hashPassword('same password'));
  });

  it('refuses a wrong password, including one that differs only in case or spaces', async () => {
    const hash = await hasher.hashPassword('Correct horse battery staple');
    assert.equal(await hasher.verifyPassword(hash, 'wrong horse battery staple'), false);
    assert.equal(await hasher.verifyPassword(hash, 'correct horse battery staple'), false);
    assert.equal(await hasher.verifyPassword(hash, 'Correct horse battery staple '), false);
    assert.equal(await hasher.verifyPassword(hash, ''), false);
  });

  it('refuses parameters below m = 19456 KiB, t = 2, p = 1, naming the parameter', () => {
    assert.throws(
      () => new PasswordHasher({ ...PARAMS, memoryKiB: 19455 }),
      /memoryKiB must be an integer ≥ 19456/,
    );
    assert.throws(() => new PasswordHasher({ ...PARAMS, timeCost: 1 }), /timeCost must be an integer ≥ 2/);
    assert.throws(
      () => new PasswordHasher({ ...PARAMS, parallelism: 0 }),
      /parallelism must be an integer ≥ 1/,
    );
    assert.throws(() => new PasswordHasher({ ...PARAMS, memoryKiB: 65536.5 }), RangeError);
    assert.throws(() => new PasswordHasher({ ...PARAMS, timeCost: Number.NaN }), RangeError);
    assert.doesNotThrow(() => new PasswordHasher({ memoryKiB: 65536, timeCost: 3, parallelism: 4 }));
  });

  it('needsRehash is true only when the stored hash is weaker than the current parameters', async () => {
    const hash = await hasher.hashPassword('rehash me please');
    assert.equal(hasher.needsRehash(hash), false);
    assert.equal(needsRehash(hash, { ...PARAMS, memoryKiB: 65536 }), true);
    assert.equal(needsRehash(hash, { ...PARAMS, timeCost: 3 }), true);
    assert.equal(needsRehash(hash, { ...PARAMS, parallelism: 2 }), true);
    const stronger = await argon2Hash('rehash me please', {
      algorithm: 2 as Algorithm,
      memoryCost: 32768,
      timeCost: 3,
      parallelism: 1,
    });
    assert.equal(needsRehash(stronger, PARAMS), false);
    const argon2i = await argon2Hash('rehash me please', { algorithm: 1 as Algorithm, memoryCost: 19456 });
    assert.equal(needsRehash(argon2i, PARAMS), true);
    assert.equal(needsRehash('not a hash', PARAMS), true);
  });

  it('verifies unknown users against a dummy hash of the same parameters and answers false', async () => {
    const spy = spyBackend();
    const h = new PasswordHasher({ ...PARAMS, argon2: spy.backend });
    await h.warmUp();
    assert.deepEqual(
      spy.calls.map((c) => c.op),
      ['hash'],
    );
    assert.equal(await h.verifyPassword(null, 'anything at all'), false);
    assert.equal(await h.verifyPassword(null, 'anything else'), false);
    const verifies = spy.calls.filter((c) => c.op === 'verify');
    assert.equal(verifies.length, 2, 'a real argon2 verification each time');
    assert.ok(verifies[0]!.hash!.startsWith(PREFIX), 'the dummy has the parameters of real hashes');
    assert.equal(spy.calls.filter((c) => c.op === 'hash').length, 1, 'the dummy is made once');
  });

  it('gives an over-long password a verification too, and refuses to hash one', async () => {
    const spy = spyBackend();
    const h = new PasswordHasher({ ...PARAMS, argon2: spy.backend });
    const long = 'a'.repeat(MAX_PASSWORD_INPUT + 1);
    const hash = await h.hashPassword('a real password here');
    assert.equal(await h.verifyPassword(hash, long), false);
    assert.equal(spy.calls.filter((c) => c.op === 'verify').length, 1);
    await assert.rejects(h.hashPassword(long), RangeError);
  });

  it('caps concurrent hashing and fails fast with a 503 error when the queue is full', async () => {
    const b = blockingBackend();
    const h = new PasswordHasher({ ...PARAMS, maxConcurrent: 2, maxQueue: 3, argon2: b.backend });
    const accepted = [
      h.hashPassword('p1'),
      h.verifyPassword('$argon2id$x', 'p2'),
      h.hashPassword('p3'),
      h.hashPassword('p4'),
      h.hashPassword('p5'),
    ];
    await tick();
    assert.equal(b.inFlight, 2);
    assert.deepEqual(h.load, { active: 2, queued: 3, maxConcurrent: 2, maxQueue: 3 });
    const refused = h.hashPassword('p6');
    await assert.rejects(refused, PasswordHashingBusyError);
    await assert.rejects(
      h.hashPassword('p7'),
      (err: unknown) => err instanceof AppError && err.code === 'unavailable',
    );
    while (h.load.active > 0) {
      b.releaseAll();
      await tick();
    }
    await Promise.all(accepted);
    assert.equal(b.maxInFlight, 2);
  });

  it('puts unknown-user verifications under the same cap', async () => {
    const b = blockingBackend();
    const h = new PasswordHasher({ ...PARAMS, maxConcurrent: 1, maxQueue: 0, argon2: b.backend });
    const warm = h.warmUp();
    b.releaseAll();
    await warm;
    const first = h.verifyPassword(null, 'x');
    await tick();
    await assert.rejects(h.verifyPassword(null, 'y'), PasswordHashingBusyError);
    b.releaseAll();
    assert.equal(await first, false);
  });

  it('defaults to a cap of at most 3 and a queue of 16 per slot', () => {
    const { maxConcurrent, maxQueue } = new PasswordHasher(PARAMS).load;
    assert.ok(maxConcurrent >= 1 && maxConcurrent <= 3);
    assert.equal(maxQueue, 16 * maxConcurrent);
  });

  it('a password in another Unicode form (composed, decomposed, compatibility) verifies; case and spaces still count', async () => {
    const hasher = new PasswordHasher({ ...PARAMS });
    const composed = 'Caf\u00e9 au lait \ufb01ne'; // é precomposed, "ﬁ" ligature
    const hash = await hasher.hashPassword(composed);
    assert.equal(await hasher.verifyPassword(hash, 'Cafe\u0301 au lait fine'), true);
    assert.equal(await hasher.verifyPassword(hash, 'café au lait fine'), false);
    assert.equal(await hasher.verifyPassword(hash, 'Café au lait fine '), false);
  });
});
