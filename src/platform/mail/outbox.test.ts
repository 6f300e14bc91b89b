import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MailDeliveryError } from './gateway.ts';
import { createDevOutboxMailer, isDevOutboxMailer } from './outbox.ts';
import { recordingLogger } from './test-support.ts';

const msg = (i: number) => ({
  to: `user${i}@bank.example`,
  subject: `Reset your password (${i})`,
  text: `Open https://dossier.bank.example/reset#token-${900000 + i}\n`,
});

describe('development e-mail outbox', () => {
  it('keeps the newest messages, oldest first, with their ids', async () => {
    const outbox = createDevOutboxMailer({ capacity: 3, now: () => new Date('2026-01-01T00:00:00Z') });
    for (let i = 1; i <= 5; i++) await outbox.send(msg(i));
    const kept = outbox.messages();
    assert.deepEqual(
      kept.map((m) => m.to),
      ['user3@bank.example', 'user4@bank.example', 'user5@bank.example'],
    );
    assert.deepEqual(kept[2], { ...msg(5), id: kept[2]!.id, sentAt: new Date('2026-01-01T00:00:00Z') });
    assert.match(kept[2]!.id, /^outbox-[0-9a-f-]{36}$/);
    assert.equal(new Set(kept.map((m) => m.id)).size, 3);
    outbox.clear();
    assert.deepEqual(outbox.messages(), []);
  });

  it('hands out copies: a caller cannot alter what is kept', async () => {
    const outbox = createDevOutboxMailer();
    await outbox.send(msg(1));
    const [first] = outbox.messages();
    first!.text = 'changed';
    first!.sentAt.setFullYear(2000);
    assert.equal(outbox.messages()[0]!.text, msg(1).text);
    assert.notEqual(outbox.messages()[0]!.sentAt.getFullYear(), 2000);
  });

  it('logs one line per message: masked recipient and subject, not the text', async () => {
    const { logger, lines } = recordingLogger();
    const outbox = createDevOutboxMailer({ logger });
    await outbox.send(msg(7));
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.equal(line.to, 'u***@bank.example');
    assert.equal(line.subject, 'Reset your password (7)');
    assert.equal(line.id, outbox.messages()[0]!.id);
    assert.ok(!lines[0]!.includes('900007') && !lines[0]!.includes('user7@'));
  });

  it('puts the text in the log line only when logText is set', async () => {
    const { logger, lines } = recordingLogger();
    await createDevOutboxMailer({ logger, logText: true }).send(msg(8));
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.text, msg(8).text);
    assert.equal(line.to, 'u***@bank.example');
  });

  it('refuses what the SMTP adapter would, and keeps nothing then', async () => {
    const outbox = createDevOutboxMailer();
    await assert.rejects(
      outbox.send({ ...msg(1), subject: 'Hi\r\nBcc: eve@evil.example' }),
      (e: unknown) =>
        e instanceof MailDeliveryError && e.reason === 'invalid' && e.detail === 'invalid_subject',
    );
    await assert.rejects(
      outbox.send({ ...msg(1), to: 'a@bank.example, b@bank.example' }),
      (e: unknown) => e instanceof MailDeliveryError && e.detail === 'invalid_recipient',
    );
    assert.deepEqual(outbox.messages(), []);
    assert.throws(() => createDevOutboxMailer({ capacity: 0 }), /positive integer/);
  });

  it('is recognisable (for mounting the development UI)', () => {
    assert.equal(isDevOutboxMailer(createDevOutboxMailer()), true);
    assert.equal(isDevOutboxMailer({ send: async () => undefined }), false);
  });
});
