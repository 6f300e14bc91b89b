/**
 * Password hashing with argon2id (ASVS 11.4.2) through @node-rs/argon2, which runs each hash on
 * libuv's thread pool. A semaphore caps how many run at once and how many wait, and unknown users
 * are verified against a dummy hash of the same parameters so that their timing matches a wrong
 * password (ASVS 6.3.8).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash as argon2Hash, parseOptions, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm, Options as Argon2Options } from '@node-rs/argon2';
import { AppError } from '../../../platform/errors.ts';
import { Semaphore, SemaphoreQueueFullError } from './semaphore.ts';

/** argon2id cost parameters. */
export interface Argon2Params {
  /** Memory per hash in KiB (`m`). */
  memoryKiB: number;
  /** Passes over the memory (`t`). */
  timeCost: number;
  /** Lanes (`p`). */
  parallelism: number;
}

/** The floor of ASVS 11.4.2 / OWASP: m = 19 MiB, t = 2, p = 1. Weaker settings are refused. */
export const MIN_ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  memoryKiB: 19456,
  timeCost: 2,
  parallelism: 1,
});

// The binding exposes Algorithm and Version as const enums, which erasable TypeScript cannot
// reference at run time (its run-time Algorithm object is even empty): use their values.
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1;
const OUTPUT_LEN = 32;
const SALT_LEN = 16;

/**
 * Longest password (in UTF-16 code units) the hasher accepts: above any length the policy allows
 * (at most 1024 code points), so a multi-megabyte "password" cannot buy extra hashing work.
 */
export const MAX_PASSWORD_INPUT = 4096;

/**
 * Throws a RangeError naming the parameter when `params` is weaker than {@link MIN_ARGON2_PARAMS}
 * or not a positive integer: a misconfiguration must stop the server, not weaken every hash.
 */
export function assertArgon2Params(params: Argon2Params): void {
  for (const name of ['memoryKiB', 'timeCost', 'parallelism'] as const) {
    const value = params[name];
    const min = MIN_ARGON2_PARAMS[name];
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`argon2 parameter ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

/**
 * True when `hash` was not made by argon2id v1.3 with at least `params` (and a 32-byte output,
 * 16-byte salt), so it should be replaced by a fresh hash after the next successful sign-in.
 * An unparseable hash also answers true.
 */
export function needsRehash(hash: string, params: Argon2Params): boolean {
  let stored;
  try {
    stored = parseOptions(hash);
  } catch {
    return true;
  }
  return (
    stored.algorithm !== ARGON2ID ||
    stored.version !== VERSION_0X13 ||
    stored.memoryCost < params.memoryKiB ||
    stored.timeCost < params.timeCost ||
    stored.parallelism < params.parallelism ||
    stored.outputLen < OUTPUT_LEN ||
    stored.saltLen < SALT_LEN
  );
}

/**
 * Refusal when too many hashes are running and waiting. Maps to 503: the sign-in flow should
 * answer it the same way for every username (it is raised before anything user-specific is done).
 */
/** The form a password is judged and hashed in: Unicode NFKC, nothing else changed. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

export class PasswordHashingBusyError extends AppError {
  constructor() {
    super('unavailable', 'Too many sign-in attempts are being processed; try again shortly.');
    this.name = 'PasswordHashingBusyError';
  }
}

/** The two argon2 calls the hasher makes; replaceable in tests to observe them. */
export interface Argon2Backend {
  hash(password: string, options: Argon2Options): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

const nodeRsArgon2: Argon2Backend = {
  hash: (password, options) => argon2Hash(password, options),
  verify: (hash, password) => argon2Verify(hash, password),
};

export interface PasswordHasherOptions extends Argon2Params {
  /**
   * Hashes allowed to run at once. Default: the CPU count, at most 3, because libuv's thread pool
   * has 4 threads unless UV_THREADPOOL_SIZE says otherwise and file, DNS and crypto work need one.
   * Raise it only together with UV_THREADPOOL_SIZE.
   */
  maxConcurrent?: number;
  /**
   * Hashes allowed to wait for a slot; beyond that PasswordHashingBusyError is thrown at once.
   * Default: 16 × maxConcurrent, i.e. a wait of at most about 16 hash durations.
   */
  maxQueue?: number;
  /** Test seam: the argon2 implementation. Default: @node-rs/argon2. */
  argon2?: Argon2Backend;
}

/**
 * Hashes and verifies passwords under one set of argon2id parameters and one concurrency cap.
 * Create one per process (from configuration) and share it: the cap only works if it is shared.
 */
export class PasswordHasher {
  readonly params: Readonly<Argon2Params>;
  readonly #semaphore: Semaphore;
  readonly #argon2: Argon2Backend;
  #dummyHash: Promise<string> | undefined;

  constructor(options: PasswordHasherOptions) {
    const params = {
      memoryKiB: options.memoryKiB,
      timeCost: options.timeCost,
      parallelism: options.parallelism,
    };
    assertArgon2Params(params);
    this.params = Object.freeze(params);
    const maxConcurrent = options.maxConcurrent ?? Math.max(1, Math.min(availableParallelism(), 3));
    this.#semaphore = new Semaphore({ maxConcurrent, maxQueue: options.maxQueue ?? 16 * maxConcurrent });
    this.#argon2 = options.argon2 ?? nodeRsArgon2;
  }

  /** Hashes running and waiting now (for metrics and benchmarks). */
  get load(): { active: number; queued: number; maxConcurrent: number; maxQueue: number } {
    const s = this.#semaphore;
    return { active: s.active, queued: s.queued, maxConcurrent: s.maxConcurrent, maxQueue: s.maxQueue };
  }

  /**
   * Computes the dummy hash now. Call once at start-up, so that the first unknown-user sign-in
   * does not pay for it (which would make that one response measurably slower).
   */
  async warmUp(): Promise<void> {
    await this.#dummy();
  }

  /**
   * Returns the PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password` in Unicode NFKC
   * (NIST 800-63B 5.1.1.2: the same password typed on another keyboard or system, composed or
   * decomposed, must match); never trimmed or case-folded. Check the policy first: see
   * hashNewPassword.
   * @throws PasswordHashingBusyError when the queue is full.
   */
  async hashPassword(password: string): Promise<string> {
    if (password.length > MAX_PASSWORD_INPUT) throw new RangeError('password too long to hash');
    const normalised = normalisePassword(password);
    return this.#run(() => this.#argon2.hash(normalised, this.#argon2Options()));
  }

  /**
   * Checks `password` against the stored `hash`. Pass `null` for an unknown user (or one without
   * a password): the password is then verified against a dummy hash of the same parameters and
   * the answer is false, so the response takes as long as a wrong password.
   * @throws PasswordHashingBusyError when the queue is full (for known and unknown users alike).
   */
  async verifyPassword(hash: string | null, password: string): Promise<boolean> {
    if (hash === null || password.length > MAX_PASSWORD_INPUT) {
      const dummy = await this.#dummy();
      const tooLong = password.length > MAX_PASSWORD_INPUT;
      // An over-long input is still given a full verification, of a bounded prefix, for timing.
      await this.#run(() => this.#argon2.verify(dummy, tooLong ? password.slice(0, 64) : password));
      return false;
    }
    const normalised = normalisePassword(password);
    return this.#run(() => this.#argon2.verify(hash, normalised));
  }

  /** {@link needsRehash} against this hasher's parameters. */
  needsRehash(hash: string): boolean {
    return needsRehash(hash, this.params);
  }

  #argon2Options(): Argon2Options {
    return {
      algorithm: ARGON2ID,
      memoryCost: this.params.memoryKiB,
      timeCost: this.params.timeCost,
      parallelism: this.params.parallelism,
      outputLen: OUTPUT_LEN,
    };
  }

  // The dummy is made once (outside the cap: it is a single, shared computation) from a random
  // password nobody knows; a failure is not cached so that the next call tries again.
  #dummy(): Promise<string> {
    this.#dummyHash ??= this.#argon2
      .hash(randomBytes(32).toString('base64url'), this.#argon2Options())
      .catch((err: unknown) => {
        this.#dummyHash = undefined;
        throw err;
      });
    return this.#dummyHash;
  }

  async #run<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.#semaphore.run(task);
    } catch (err) {
      if (err instanceof SemaphoreQueueFullError) throw new PasswordHashingBusyError();
      throw err;
    }
  }
}
