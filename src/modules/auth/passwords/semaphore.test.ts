import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Semaphore, SemaphoreQueueFullError } from './semaphore.ts';

/** A task that stays running until released, counting how many run at once. */
function gate() {
  let inFlight = 0;
  let maxInFlight = 0;
  const releases: (() => void)[] = [];
  const task = () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<void>((resolve) =>
      releases.push(() => {
        inFlight--;
        resolve();
      }),
    );
  };
  return {
    task,
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

describe('Semaphore', () => {
  it('never runs more than maxConcurrent tasks at once', async () => {
    const sem = new Semaphore({ maxConcurrent: 3, maxQueue: 100 });
    const g = gate();
    const all = Array.from({ length: 20 }, () => sem.run(g.task));
    await tick();
    assert.equal(g.inFlight, 3);
    assert.equal(sem.active, 3);
    assert.equal(sem.queued, 17);
    while (sem.active > 0) {
      g.releaseAll();
      await tick();
      assert.ok(g.inFlight <= 3);
    }
    await Promise.all(all);
    assert.equal(g.maxInFlight, 3);
    assert.equal(sem.queued, 0);
  });

  it('fails fast, without running the task, when the queue is full', async () => {
    const sem = new Semaphore({ maxConcurrent: 1, maxQueue: 2 });
    const g = gate();
    const accepted = [sem.run(g.task), sem.run(g.task), sem.run(g.task)];
    let ran = false;
    await assert.rejects(
      sem.run(async () => {
        ran = true;
      }),
      SemaphoreQueueFullError,
    );
    assert.equal(ran, false);
    assert.equal(sem.queued, 2);
    while (sem.active > 0) {
      g.releaseAll();
      await tick();
    }
    await Promise.all(accepted);
    // Capacity comes back once the queue drains.
    assert.equal(await sem.run(async () => 'ok'), 'ok');
  });

  it('hands slots over in arrival order', async () => {
    const sem = new Semaphore({ maxConcurrent: 1, maxQueue: 10 });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => sem.run(async () => void order.push(n))));
    assert.deepEqual(order, [1, 2, 3, 4]);
  });

  it('releases the slot when a task fails', async () => {
    const sem = new Semaphore({ maxConcurrent: 1, maxQueue: 0 });
    await assert.rejects(
      sem.run(async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(sem.active, 0);
    assert.equal(await sem.run(async () => 1), 1);
  });

  it('refuses nonsensical limits', () => {
    assert.throws(() => new Semaphore({ maxConcurrent: 0, maxQueue: 1 }), /maxConcurrent/);
    assert.throws(() => new Semaphore({ maxConcurrent: 1.5, maxQueue: 1 }), /maxConcurrent/);
    assert.throws(() => new Semaphore({ maxConcurrent: 1, maxQueue: -1 }), /maxQueue/);
  });
});
