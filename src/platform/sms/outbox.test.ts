import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SmsDeliveryError } from './gateway.ts';
import { createDevOutboxGateway, isDevOutboxGateway } from './outbox.ts';
import { recordingLogger } from './test-support.ts';

const msg = (i: number) => ({
  to: `+4477009001${String(i).padStart(2, '0')}`,
  body: `code ${900000 + i}`,
  reference: `r${i}`,
});

describe('development outbox transport', () => {
  it('keeps the newest messages, oldest first, with their provider ids', async () => {
    const outbox = createDevOutboxGateway({ capacity: 3, now: () => new Date('2026-01-01T00:00:00Z') });
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push((await outbox.send(msg(i))).providerId);
    const kept = outbox.messages();
    assert.deepEqual(
      kept.map((m) => m.reference),
      ['r3', 'r4', 'r5'],
    );
    assert.deepEqual(kept[2], { ...msg(5), providerId: ids[4], sentAt: new Date('2026-01-01T00:00:00Z') });
    assert.equal(new Set(ids).size, 5);
    outbox.clear();
    assert.deepEqual(outbox.messages(), []);
  });

  it('hands out copies: a caller cannot alter what is kept', async () => {
    const outbox = createDevOutboxGateway();
    await outbox.send(msg(1));
    const [first] = outbox.messages();
    first!.body = 'changed';
    first!.sentAt.setFullYear(2000);
    assert.equal(outbox.messages()[0]!.body, 'code 900001');
    assert.notEqual(outbox.messages()[0]!.sentAt.getFullYear(), 2000);
  });

  it('logs one line per message without the body or the full number', async () => {
    const { logger, lines } = recordingLogger();
    const outbox = createDevOutboxGateway({ logger });
    const { providerId } = await outbox.send(msg(7));
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.providerId, providerId);
    assert.equal(line.reference, 'r7');
    assert.equal(line.to, '+*********107');
    assert.ok(!lines[0]!.includes('900007') && !lines[0]!.includes('code') && !lines[0]!.includes(msg(7).to));
  });

  it('refuses what a real gateway would, and keeps nothing then', async () => {
    const outbox = createDevOutboxGateway();
    await assert.rejects(outbox.send({ ...msg(1), to: '0041791234567' }), (e: unknown) => {
      return e instanceof SmsDeliveryError && e.reason === 'rejected' && e.detail === 'invalid_recipient';
    });
    assert.deepEqual(outbox.messages(), []);
    assert.throws(() => createDevOutboxGateway({ capacity: 0 }), /positive integer/);
  });

  it('is recognisable (for mounting the development UI)', () => {
    assert.equal(isDevOutboxGateway(createDevOutboxGateway()), true);
    assert.equal(isDevOutboxGateway({ send: async () => ({ providerId: 'x' }) }), false);
  });
});
