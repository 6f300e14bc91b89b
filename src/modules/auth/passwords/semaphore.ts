/**
 * A counting semaphore with a bounded wait queue. Password hashing uses it so that a login flood
 * neither fills libuv's small thread pool (starving file, DNS and crypto work) nor piles up
 * waiting requests without limit: once the queue is full, callers are refused at once.
 */

/** Thrown by {@link Semaphore.run} when every slot is busy and the wait queue is full. */
export class SemaphoreQueueFullError extends Error {
  constructor() {
    super('semaphore queue is full');
    this.name = 'SemaphoreQueueFullError';
  }
}

export interface SemaphoreOptions {
  /** Tasks allowed to run at once (integer ≥ 1). */
  maxConcurrent: number;
  /** Tasks allowed to wait for a slot (integer ≥ 0); more are refused with SemaphoreQueueFullError. */
  maxQueue: number;
}

export class Semaphore {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  #active = 0;
  // FIFO of waiters; each is resolved when a slot is handed over to it.
  #waiting: (() => void)[] = [];

  constructor(options: SemaphoreOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1)
      throw new RangeError(`maxConcurrent must be an integer ≥ 1, got ${options.maxConcurrent}`);
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0)
      throw new RangeError(`maxQueue must be an integer ≥ 0, got ${options.maxQueue}`);
    this.maxConcurrent = options.maxConcurrent;
    this.maxQueue = options.maxQueue;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `task` when a slot is free and releases the slot when it settles. Rejects with
   * SemaphoreQueueFullError, without running `task`, when no slot is free and the queue is full.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#active < this.maxConcurrent) {
      this.#active++;
      return Promise.resolve();
    }
    if (this.#waiting.length >= this.maxQueue) return Promise.reject(new SemaphoreQueueFullError());
    // The slot is handed over directly in #release (active is not decremented), so a newcomer
    // cannot overtake a waiter between the release and the waiter's resumption.
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}
