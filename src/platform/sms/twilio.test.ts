import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { SmsDeliveryError, type SmsMessage } from './gateway.ts';
import {
  createTestPki,
  recordingLogger,
  sendJson,
  startHttpsServer,
  type TestPki,
  type TestServer,
} from './test-support.ts';
import { createTwilioGateway, type TwilioGatewayOptions } from './twilio.ts';

const ACCOUNT_SID = `AC${randomBytes(16).toString('hex')}`;
const AUTH_TOKEN = randomBytes(16).toString('hex');
const FROM = '+15005550006';
const MESSAGE: SmsMessage = {
  to: '+447700900123',
  body: 'Dossier: Ihr Anmeldecode lautet 482913 — gültig 10 Minuten.\nNicht weitergeben.',
  reference: 'login-attempt:7d0c1e2a',
};

/** What the fake Twilio received for each accepted message. */
interface Delivery {
  path: string;
  contentType: string | undefined;
  form: Record<string, string>;
}

/**
 * A local stand-in for Twilio's Messages endpoint, answering with Twilio's documented JSON shapes.
 * `mode` switches it into the failures the tests need.
 */
function twilioHandler(state: { mode: string; deliveries: Delivery[] }) {
  const twilioError = (res: ServerResponse, status: number, code: number, message: string, headers = {}) =>
    sendJson(
      res,
      status,
      { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
      headers,
    );

  return async (req: IncomingMessage, raw: Buffer, res: ServerResponse) => {
    if (state.mode === 'slow-headers') return; // never answers
    if (state.mode === 'slow-body') {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.write('{"sid":');
      return; // never finishes
    }
    if (state.mode === '500') return twilioError(res, 500, 20500, 'Internal Server Error');
    if (state.mode === 'huge') return sendJson(res, 201, { sid: 'SM1', padding: 'x'.repeat(200_000) });
    if (state.mode === 'html') {
      res.writeHead(201, { 'content-type': 'text/html' });
      return res.end('<html>hello</html>');
    }

    const m = /^(?:\/prefix)?\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m)
      return twilioError(res, 404, 20404, 'The requested resource was not found');
    const expected = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
    if (req.headers.authorization !== expected || m[1] !== ACCOUNT_SID)
      return twilioError(res, 401, 20003, 'Authenticate');
    if (state.mode === '429')
      return twilioError(res, 429, 20429, 'Too Many Requests', { 'retry-after': '7' });
    if (!/^application\/x-www-form-urlencoded\b/.test(req.headers['content-type'] ?? ''))
      return twilioError(res, 400, 20001, 'Unsupported content type');
    const form = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    if (!form.To) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!form.From && !form.MessagingServiceSid)
      return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!form.Body) return twilioError(res, 400, 21602, 'Message body is required.');
    // Twilio's documented magic number for "invalid To" with test credentials.
    if (form.To === '+15005550001')
      return twilioError(res, 400, 21211, `The 'To' number ${form.To} is not a valid phone number.`);

    state.deliveries.push({ path: req.url!, contentType: req.headers['content-type'], form });
    const sid = `SM${randomBytes(16).toString('hex')}`;
    sendJson(res, 201, {
      account_sid: ACCOUNT_SID,
      api_version: '2010-04-01',
      body: form.Body,
      date_created: new Date().toUTCString(),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      num_segments: '1',
      price: null,
      sid,
      status: state.mode === 'failed-status' ? 'failed' : 'queued',
      to: form.To,
      uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
    });
  };
}

/** Every way an error could leak: its message, inspection (stack, fields) and JSON. */
function assertNoSecrets(err: unknown, ...secrets: string[]) {
  const views = [String(err), inspect(err, { depth: 5 }), JSON.stringify(err)];
  for (const secret of secrets)
    for (const view of views) assert.ok(!view.includes(secret), `leaked in: ${view}`);
}

async function rejectsWith(promise: Promise<unknown>, reason: string): Promise<SmsDeliveryError> {
  const err = await promise.then(
    () => assert.fail('expected a delivery error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SmsDeliveryError, `not an SmsDeliveryError: ${String(err)}`);
  assert.equal(err.reason, reason, err.message);
  return err;
}

describe('Twilio-style HTTPS adapter against a local Twilio Messages endpoint over TLS', () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let server: TestServer;
  const state = { mode: 'ok', deliveries: [] as Delivery[] };
  const gateway = (over: Partial<TwilioGatewayOptions> = {}) =>
    createTwilioGateway({
      baseUrl: server.origin,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      from: FROM,
      ca: pki.ca,
      timeoutMs: 2000,
      ...over,
    });

  before(async () => {
    [pki, otherPki] = await Promise.all([createTestPki(), createTestPki()]);
    server = await startHttpsServer(pki, twilioHandler(state));
  });
  after(async () => {
    await server.close();
    pki.remove();
    otherPki.remove();
  });
  beforeEach(() => {
    state.mode = 'ok';
    state.deliveries = [];
  });

  it('delivers the exact message with Basic auth and returns the sid; logs neither body nor token', async () => {
    const { logger, lines } = recordingLogger();
    const { providerId } = await gateway({ logger }).send(MESSAGE);
    assert.match(providerId, /^SM[0-9a-f]{32}$/);
    assert.equal(state.deliveries.length, 1);
    const d = state.deliveries[0]!;
    assert.equal(d.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    assert.match(d.contentType ?? '', /^application\/x-www-form-urlencoded/);
    assert.deepEqual(d.form, { To: MESSAGE.to, From: FROM, Body: MESSAGE.body });

    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.includes(providerId) && lines[0]!.includes(MESSAGE.reference));
    for (const line of lines) {
      assert.ok(!line.includes('482913'), 'the code must not be logged');
      assert.ok(!line.includes(AUTH_TOKEN) && !line.includes(MESSAGE.to));
    }
  });

  it('sends MessagingServiceSid instead of From when configured, and honours a base path', async () => {
    const mg = `MG${randomBytes(16).toString('hex')}`;
    await gateway({ from: undefined, messagingServiceSid: mg, baseUrl: `${server.origin}/prefix/` }).send(
      MESSAGE,
    );
    const d = state.deliveries[0]!;
    assert.equal(d.path, `/prefix/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    assert.deepEqual(d.form, { To: MESSAGE.to, MessagingServiceSid: mg, Body: MESSAGE.body });
  });

  it('a wrong token is `auth`, and neither error nor log carries the token', async () => {
    const { logger, lines } = recordingLogger();
    const wrong = randomBytes(16).toString('hex');
    const err = await rejectsWith(gateway({ authToken: wrong, logger }).send(MESSAGE), 'auth');
    assert.equal(err.httpStatus, 401);
    assert.equal(err.providerCode, 20003);
    assertNoSecrets(
      err,
      wrong,
      AUTH_TOKEN,
      MESSAGE.body,
      Buffer.from(`${ACCOUNT_SID}:${wrong}`).toString('base64'),
    );
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.includes('"warn"') && !lines[0]!.includes(wrong) && !lines[0]!.includes('482913'));
    assert.equal(state.deliveries.length, 0);
  });

  it('an unknown account (404) is `auth`: a configuration fault', async () => {
    await rejectsWith(gateway({ accountSid: `AC${'0'.repeat(32)}` }).send(MESSAGE), 'auth');
  });

  it('an invalid number (400, 21211) is `rejected` and keeps only the code, not the message', async () => {
    const err = await rejectsWith(gateway().send({ ...MESSAGE, to: '+15005550001' }), 'rejected');
    assert.equal(err.httpStatus, 400);
    assert.equal(err.providerCode, 21211);
    assertNoSecrets(err, '+15005550001');
  });

  it('429 is `unavailable` (our account is throttled, not this recipient) with Retry-After', async () => {
    state.mode = '429';
    const err = await rejectsWith(gateway().send(MESSAGE), 'unavailable');
    assert.equal(err.httpStatus, 429);
    assert.equal(err.providerCode, 20429);
    assert.equal(err.retryAfterSeconds, 7);
  });

  it('500 is `unavailable`', async () => {
    state.mode = '500';
    const err = await rejectsWith(gateway().send(MESSAGE), 'unavailable');
    assert.equal(err.httpStatus, 500);
  });

  it('a server that never answers, or stalls mid-answer, is `timeout` within the deadline', async () => {
    for (const mode of ['slow-headers', 'slow-body']) {
      state.mode = mode;
      const started = Date.now();
      await rejectsWith(gateway({ timeoutMs: 300 }).send(MESSAGE), 'timeout');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 1500, `${mode}: ${elapsed} ms`);
    }
  });

  it('a certificate from another CA, or from no trusted CA, is refused before any request', async () => {
    for (const ca of [otherPki.ca, undefined]) {
      const { logger, lines } = recordingLogger();
      const before = server.requests;
      const err = await rejectsWith(gateway({ ca, logger }).send(MESSAGE), 'unavailable');
      assert.match(err.detail ?? '', /CERT|VERIFY|SELF_SIGNED|ISSUER/);
      assert.equal(server.requests, before, 'no request may reach an unverified server');
      assertNoSecrets(err, AUTH_TOKEN, MESSAGE.body, server.origin);
      assert.ok(lines.every((l) => !l.includes(AUTH_TOKEN) && !l.includes('482913')));
    }
  });

  it('a certificate from the trusted CA but for another name is refused', async () => {
    // The certificate names localhost, 127.0.0.1 and ::1; 127.0.0.2 is loopback too, but not named.
    const misnamed = await startHttpsServer(pki, twilioHandler(state), '127.0.0.2');
    try {
      const err = await rejectsWith(gateway({ baseUrl: misnamed.origin }).send(MESSAGE), 'unavailable');
      assert.equal(err.detail, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.equal(misnamed.requests, 0);
    } finally {
      await misnamed.close();
    }
  });

  it('a closed port is `unavailable`', async () => {
    const closed = await startHttpsServer(pki, () => undefined);
    const origin = closed.origin;
    await closed.close();
    const err = await rejectsWith(gateway({ baseUrl: origin }).send(MESSAGE), 'unavailable');
    assert.equal(err.detail, 'ECONNREFUSED');
  });

  it('an oversized, non-JSON or failed-status answer is refused', async () => {
    state.mode = 'huge';
    assert.equal((await rejectsWith(gateway().send(MESSAGE), 'bad_response')).detail, 'response_too_large');
    state.mode = 'html';
    assert.equal((await rejectsWith(gateway().send(MESSAGE), 'bad_response')).detail, 'no_sid');
    state.mode = 'failed-status';
    assert.equal((await rejectsWith(gateway().send(MESSAGE), 'rejected')).detail, 'status_failed');
  });

  it('refuses a malformed message before any request', async () => {
    const before = server.requests;
    for (const bad of [
      { ...MESSAGE, to: '07700900123' },
      { ...MESSAGE, to: '+44 7700 900123' },
      { ...MESSAGE, body: '' },
      { ...MESSAGE, body: 'x'.repeat(1601) },
      { ...MESSAGE, body: 'code \u001b[31m1' },
      { ...MESSAGE, reference: 'a b' },
    ]) {
      await rejectsWith(gateway().send(bad), 'rejected');
    }
    assert.equal(server.requests, before);
  });

  it('refuses unusable settings at creation, naming the setting but not the secret', () => {
    const base = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM };
    assert.throws(
      () => createTwilioGateway({ ...base, baseUrl: 'http://127.0.0.1:1' }),
      /twilio\.baseUrl must use https/,
    );
    assert.throws(
      () => createTwilioGateway({ ...base, baseUrl: `https://${ACCOUNT_SID}:${AUTH_TOKEN}@api.twilio.com` }),
      (e: Error) => /must not contain credentials/.test(e.message) && !e.message.includes(AUTH_TOKEN),
    );
    assert.throws(() => createTwilioGateway({ ...base, messagingServiceSid: 'MG1' }), /exactly one/);
    assert.throws(() => createTwilioGateway({ ...base, from: undefined }), /exactly one/);
    assert.throws(() => createTwilioGateway({ ...base, accountSid: '../x' }), /accountSid/);
    assert.throws(() => createTwilioGateway({ ...base, authToken: '' }), /authToken is required/);
  });
});
