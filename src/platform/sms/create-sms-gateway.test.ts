import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../logger.ts';
import { createAjv, describeAjvErrors } from '../validation.ts';
import { createSmsGateway } from './create-sms-gateway.ts';
import type { SmsLogger } from './gateway.ts';
import { isDevOutboxGateway } from './outbox.ts';
import { SmsSettingsSchema, type SmsSettings } from './sms.schema.ts';
import { createTestPki, sendJson, startHttpsServer, type TestPki, type TestServer } from './test-support.ts';
import { verifyWebhookSignature } from './webhook.ts';

const SECRET = randomBytes(32).toString('hex');
const TOKEN = randomBytes(16).toString('hex');
const SID = `AC${randomBytes(16).toString('hex')}`;
const validate = createAjv().compile(SmsSettingsSchema);

describe('SMS settings schema', () => {
  it('accepts each transport', () => {
    const good: SmsSettings[] = [
      { transport: 'console' },
      { transport: 'console', outboxCapacity: 50 },
      { transport: 'twilio', accountSid: SID, authToken: TOKEN, from: '+15005550006' },
      {
        transport: 'twilio',
        baseUrl: 'https://sms.bank.internal:8443/twilio',
        accountSid: SID,
        apiKeySid: `SK${'1'.repeat(32)}`,
        authToken: TOKEN,
        messagingServiceSid: `MG${'2'.repeat(32)}`,
        caFile: '/etc/dossier/sms-ca.crt',
        timeoutMs: 5000,
      },
      { transport: 'twilio', accountSid: SID, authToken: TOKEN, from: 'Dossier' },
      { transport: 'webhook', url: 'https://sms.bank.internal/dossier?x=1', secret: SECRET, timeoutMs: 3000 },
    ];
    for (const s of good) assert.equal(validate(s), true, JSON.stringify(describeAjvErrors(validate.errors)));
  });

  it('refuses http URLs, credentials in URLs, short secrets, unknown fields and unknown transports', () => {
    const bad: unknown[] = [
      { transport: 'webhook', url: 'http://sms.bank.internal/dossier', secret: SECRET },
      { transport: 'webhook', url: `https://user:${SECRET}@sms.bank.internal/`, secret: SECRET },
      { transport: 'webhook', url: 'https://sms.bank.internal/', secret: 'too-short' },
      {
        transport: 'twilio',
        baseUrl: 'http://api.twilio.com',
        accountSid: SID,
        authToken: TOKEN,
        from: '+1500',
      },
      {
        transport: 'twilio',
        accountSid: SID,
        authToken: TOKEN,
        from: '+15005550006',
        rejectUnauthorized: false,
      },
      { transport: 'twilio', accountSid: SID, authToken: 'short', from: '+15005550006' },
      { transport: 'console', url: 'https://x' },
      { transport: 'http' },
    ];
    for (const s of bad) assert.equal(validate(s), false, JSON.stringify(s));
  });
});

describe('createSmsGateway', () => {
  let pki: TestPki;
  let server: TestServer;
  const received: Array<{ path: string; body: string; verified: boolean }> = [];

  before(async () => {
    pki = await createTestPki();
    server = await startHttpsServer(pki, (req, raw, res) => {
      const verified = verifyWebhookSignature(
        SECRET,
        req.headers['x-dossier-timestamp'] as string,
        raw,
        req.headers['x-dossier-signature'] as string,
      );
      received.push({ path: req.url!, body: raw.toString('utf8'), verified });
      if (req.url === '/hook') return sendJson(res, 200, { id: 'hook-1' });
      sendJson(res, 201, { sid: `SM${'a'.repeat(32)}`, status: 'queued' });
    });
  });
  after(async () => {
    await server.close();
    pki.remove();
  });

  it('maps console to the development outbox', async () => {
    const gateway = createSmsGateway({ transport: 'console', outboxCapacity: 2 });
    assert.ok(isDevOutboxGateway(gateway));
    await gateway.send({ to: '+41791234567', body: 'x', reference: 'r' });
    assert.equal(gateway.messages().length, 1);
  });

  it('builds the Twilio adapter, trusting the CA read from caFile', async () => {
    const read: string[] = [];
    const gateway = createSmsGateway(
      {
        transport: 'twilio',
        baseUrl: server.origin,
        accountSid: SID,
        authToken: TOKEN,
        from: '+15005550006',
        caFile: pki.caFile,
      },
      { readFile: (p) => (read.push(p), pki.ca) },
    );
    assert.deepEqual(read, [pki.caFile]);
    assert.deepEqual(await gateway.send({ to: '+41791234567', body: 'hi', reference: 'r1' }), {
      providerId: `SM${'a'.repeat(32)}`,
    });
    assert.equal(received.at(-1)!.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
  });

  it('builds the webhook adapter, reading caFile from disk by default', async () => {
    const gateway = createSmsGateway({
      transport: 'webhook',
      url: `${server.origin}/hook`,
      secret: SECRET,
      caFile: pki.caFile,
    });
    assert.deepEqual(await gateway.send({ to: '+41791234567', body: 'hi', reference: 'r2' }), {
      providerId: 'hook-1',
    });
    assert.equal(received.at(-1)!.verified, true);
  });

  it('accepts the project logger (pino) as its logger', () => {
    const logger: SmsLogger = createLogger('silent', 'sms-test');
    assert.ok(createSmsGateway({ transport: 'console' }, { logger }));
  });
});
