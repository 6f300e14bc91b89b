import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../logger.ts';
import { createAjv, describeAjvErrors } from '../validation.ts';
import { createMailer } from './create-mailer.ts';
import type { MailLogger } from './gateway.ts';
import { MailSettingsSchema, type MailSettings } from './mail.schema.ts';
import { isDevOutboxMailer } from './outbox.ts';
import {
  createTestPki,
  parseDelivery,
  startSmtpServer,
  type TestPki,
  type TestSmtpServer,
} from './test-support.ts';

const PASSWORD = randomBytes(18).toString('base64url');
const validate = createAjv().compile(MailSettingsSchema);
const MESSAGE = { to: 'alice@bank.example', subject: 'Hello', text: 'Your password was changed.' };

describe('mail settings schema', () => {
  it('accepts each transport', () => {
    const good: MailSettings[] = [
      { transport: 'outbox' },
      { transport: 'outbox', outboxCapacity: 50, logText: true },
      { transport: 'smtp', host: 'smtp.bank.example', from: 'dossier@bank.example' },
      {
        transport: 'smtp',
        host: '10.0.0.25',
        port: 465,
        security: 'tls',
        username: 'dossier',
        password: PASSWORD,
        from: 'dossier@bank.example',
        caFile: '/etc/dossier/smtp-ca.crt',
        timeoutMs: 5000,
      },
      { transport: 'smtp', host: 'fd00::25', port: 587, security: 'starttls', from: 'dossier@bank.example' },
      { transport: 'smtp', host: 'localhost', port: 1025, security: 'none', from: 'dev@dossier.example' },
    ];
    for (const s of good) assert.equal(validate(s), true, JSON.stringify(describeAjvErrors(validate.errors)));
  });

  it('refuses unknown fields and transports, bad hosts, senders and security modes', () => {
    const smtp = { transport: 'smtp', host: 'smtp.bank.example', from: 'dossier@bank.example' };
    const bad: unknown[] = [
      { ...smtp, rejectUnauthorized: false },
      { ...smtp, tls: { rejectUnauthorized: false } },
      { ...smtp, security: 'ssl' },
      { ...smtp, security: 'opportunistic' },
      { ...smtp, host: 'smtp://smtp.bank.example' },
      { ...smtp, host: 'smtp.bank.example\r\n' },
      { ...smtp, port: 0 },
      { ...smtp, from: 'Dossier <dossier@bank.example>' },
      { ...smtp, from: 'dossier@bank.example\r\nBcc: eve@evil.example' },
      { ...smtp, password: 'a\r\nb', username: 'x' },
      { ...smtp, timeoutMs: 10 },
      { transport: 'smtp', host: 'smtp.bank.example' },
      { transport: 'outbox', host: 'x' },
      { transport: 'sendmail' },
    ];
    for (const s of bad) assert.equal(validate(s), false, JSON.stringify(s));
  });
});

describe('createMailer', () => {
  let pki: TestPki;
  let server: TestSmtpServer;

  before(async () => {
    pki = await createTestPki();
    server = await startSmtpServer({ pki, credentials: { username: 'dossier', password: PASSWORD } });
  });
  after(async () => {
    await server.close();
    pki.remove();
  });

  it('maps outbox to the development outbox', async () => {
    const mailer = createMailer({ transport: 'outbox', outboxCapacity: 2 });
    assert.ok(isDevOutboxMailer(mailer));
    await mailer.send(MESSAGE);
    assert.equal(mailer.messages().length, 1);
  });

  it('builds the SMTP adapter, trusting the CA read from caFile', async () => {
    const read: string[] = [];
    const mailer = createMailer(
      {
        transport: 'smtp',
        host: server.host,
        port: server.port,
        username: 'dossier',
        password: PASSWORD,
        from: 'dossier@bank.example',
        caFile: pki.caFile,
      },
      { readFile: (p) => (read.push(p), pki.ca) },
    );
    assert.equal(isDevOutboxMailer(mailer), false);
    assert.deepEqual(read, [pki.caFile]);
    await mailer.send(MESSAGE);
    const d = server.deliveries.at(-1)!;
    assert.equal(d.user, 'dossier');
    // On the wire a body ends with a line break.
    assert.equal((await parseDelivery(d)).text, `${MESSAGE.text}\n`);
    await mailer.close?.();
  });

  it('reads caFile from disk by default', async () => {
    const mailer = createMailer({
      transport: 'smtp',
      host: server.host,
      port: server.port,
      username: 'dossier',
      password: PASSWORD,
      from: 'dossier@bank.example',
      caFile: pki.caFile,
    });
    await mailer.send(MESSAGE);
    assert.equal(server.deliveries.at(-1)!.secure, true);
  });

  it('accepts the project logger (pino) as its logger', () => {
    const logger: MailLogger = createLogger('silent', 'mail-test');
    assert.ok(createMailer({ transport: 'outbox' }, { logger }));
  });
});
