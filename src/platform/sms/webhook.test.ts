import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:https';
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
import {
  createWebhookGateway,
  signWebhookPayload,
  verifyWebhookSignature,
  type WebhookGatewayOptions,
  type WebhookPayload,
} from './webhook.ts';

const SECRET = randomBytes(32).toString('base64url');
const MESSAGE: SmsMessage = {
  to: '+41791234567',
  body: 'Dossier: votre code est 730154 (valable 10 minutes).',
  reference: 'attempt-01HZX3',
};

interface Received {
  raw: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  contentType: string | undefined;
}

/**
 * A customer's webhook receiver as its integrators would write it: verify the signature over the
 * raw body with verifyWebhookSignature, refuse with 401 otherwise, answer 201 `{ id }`.
 */
function receiver(state: { mode: string; received: Received[]; refused: number }) {
  return (req: IncomingMessage, raw: Buffer, res: ServerResponse) => {
    const timestamp = req.headers['x-dossier-timestamp'] as string | undefined;
    const signature = req.headers['x-dossier-signature'] as string | undefined;
    if (!verifyWebhookSignature(SECRET, timestamp, raw, signature)) {
      state.refused++;
      return sendJson(res, 401, { error: 'bad signature' });
    }
    state.received.push({ raw, timestamp, signature, contentType: req.headers['content-type'] });
    if (state.mode === '503') return sendJson(res, 503, { error: 'down' }, { 'retry-after': '30' });
    if (state.mode === '400') return sendJson(res, 400, { error: 'no' });
    if (state.mode === 'no-id') return sendJson(res, 200, { ok: true });
    sendJson(res, 201, { id: `msg_${randomBytes(8).toString('hex')}` });
  };
}

/** Posts raw bytes with chosen headers, as an attacker replaying or tampering would. */
function postRaw(origin: string, ca: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/sms`,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function rejectsWith(promise: Promise<unknown>, reason: string): Promise<SmsDeliveryError> {
  const err = await promise.then(
    () => assert.fail('expected a delivery error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SmsDeliveryError, String(err));
  assert.equal(err.reason, reason, err.message);
  return err;
}

describe('signed webhook adapter against a local verifying receiver over TLS', () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let server: TestServer;
  const state = { mode: 'ok', received: [] as Received[], refused: 0 };
  const gateway = (over: Partial<WebhookGatewayOptions> = {}) =>
    createWebhookGateway({
      url: `${server.origin}/sms`,
      secret: SECRET,
      ca: pki.ca,
      timeoutMs: 2000,
      ...over,
    });

  before(async () => {
    [pki, otherPki] = await Promise.all([createTestPki(), createTestPki()]);
    server = await startHttpsServer(pki, receiver(state));
  });
  after(async () => {
    await server.close();
    pki.remove();
    otherPki.remove();
  });
  beforeEach(() => {
    state.mode = 'ok';
    state.received = [];
    state.refused = 0;
  });

  it('delivers the exact message, signed, and returns the receiver id; logs neither body nor secret', async () => {
    const { logger, lines } = recordingLogger();
    const { providerId } = await gateway({ logger }).send(MESSAGE);
    assert.match(providerId, /^msg_[0-9a-f]{16}$/);
    assert.equal(state.received.length, 1);
    const r = state.received[0]!;
    const payload = JSON.parse(r.raw.toString('utf8')) as WebhookPayload;
    assert.deepEqual(payload, { ...MESSAGE, timestamp: Number(r.timestamp) });
    assert.ok(Math.abs(payload.timestamp * 1000 - Date.now()) < 5000);
    assert.equal(r.signature, signWebhookPayload(SECRET, r.timestamp!, r.raw));
    assert.match(r.contentType ?? '', /^application\/json/);
    assert.equal(lines.length, 1);
    for (const l of lines)
      assert.ok(!l.includes('730154') && !l.includes(SECRET) && !l.includes(r.signature!));
  });

  it('the receiver refuses a tampered body, a replay after the window, and a bare replay is only good inside it', async () => {
    await gateway().send(MESSAGE);
    const r = state.received[0]!;
    const headers = { 'x-dossier-timestamp': r.timestamp!, 'x-dossier-signature': r.signature! };
    const tampered = Buffer.from(r.raw.toString('utf8').replace('+41791234567', '+41790000000'));
    assert.equal(await postRaw(server.origin, pki.ca, headers, tampered), 401);
    // Moving the timestamp breaks the signature as well: it is signed with the body.
    const later = String(Number(r.timestamp) + 600);
    assert.equal(
      await postRaw(server.origin, pki.ca, { ...headers, 'x-dossier-timestamp': later }, r.raw),
      401,
    );
    assert.equal(state.refused, 2);
    // An untouched captured request ages out: the same bytes fail once the window has passed.
    assert.equal(verifyWebhookSignature(SECRET, r.timestamp, r.raw, r.signature), true);
    assert.equal(
      verifyWebhookSignature(SECRET, r.timestamp, r.raw, r.signature, {
        now: Number(r.timestamp) * 1000 + 301_000,
      }),
      false,
    );
  });

  it('an old timestamp from the sender is refused by the receiver: `auth`', async () => {
    const err = await rejectsWith(gateway({ now: () => Date.now() - 10 * 60 * 1000 }).send(MESSAGE), 'auth');
    assert.equal(err.httpStatus, 401);
    assert.equal(state.refused, 1);
    assert.equal(state.received.length, 0);
  });

  it('a wrong secret is `auth`, and the error carries no secret', async () => {
    const wrong = randomBytes(32).toString('base64url');
    const err = await rejectsWith(gateway({ secret: wrong }).send(MESSAGE), 'auth');
    for (const view of [String(err), inspect(err), JSON.stringify(err)])
      assert.ok(!view.includes(wrong) && !view.includes(SECRET) && !view.includes('730154'));
  });

  it('maps 503 to `unavailable`, 400 to `rejected`, and a 2xx without id to `bad_response`', async () => {
    state.mode = '503';
    assert.equal((await rejectsWith(gateway().send(MESSAGE), 'unavailable')).retryAfterSeconds, 30);
    state.mode = '400';
    await rejectsWith(gateway().send(MESSAGE), 'rejected');
    state.mode = 'no-id';
    await rejectsWith(gateway().send(MESSAGE), 'bad_response');
  });

  it('refuses a receiver whose certificate is from another CA, before sending anything', async () => {
    const before = server.requests;
    const err = await rejectsWith(gateway({ ca: otherPki.ca }).send(MESSAGE), 'unavailable');
    assert.match(err.detail ?? '', /CERT|VERIFY|SELF_SIGNED|ISSUER/);
    assert.equal(server.requests, before);
  });

  it('refuses unusable settings at creation', () => {
    assert.throws(
      () => createWebhookGateway({ url: 'http://127.0.0.1/sms', secret: SECRET }),
      /must use https/,
    );
    assert.throws(
      () => createWebhookGateway({ url: 'https://127.0.0.1/sms', secret: 'short' }),
      (e: Error) => /at least 32/.test(e.message) && !e.message.includes('short'),
    );
  });
});

describe('verifyWebhookSignature', () => {
  const ts = '1767225600'; // 2026-01-01T00:00:00Z
  const now = Number(ts) * 1000;
  const body = '{"to":"+41791234567","body":"x","reference":"r","timestamp":1767225600}';
  const sig = signWebhookPayload(SECRET, ts, body);

  it('accepts the exact signature, as string or bytes, and within the tolerance either way', () => {
    assert.match(sig, /^v1=[0-9a-f]{64}$/);
    assert.equal(verifyWebhookSignature(SECRET, ts, body, sig, { now }), true);
    assert.equal(verifyWebhookSignature(SECRET, ts, Buffer.from(body), sig, { now }), true);
    assert.equal(verifyWebhookSignature(SECRET, ts, body, sig, { now: now + 299_000 }), true);
    assert.equal(verifyWebhookSignature(SECRET, ts, body, sig, { now: now - 299_000 }), true);
    assert.equal(
      verifyWebhookSignature(SECRET, ts, body, sig.toUpperCase().replace('V1', 'v1'), { now }),
      true,
    );
  });

  it('accepts any one of several signatures (secret rotation)', () => {
    const other = signWebhookPayload('another-secret-of-sufficient-length!!', ts, body);
    assert.equal(verifyWebhookSignature(SECRET, ts, body, `${other}, ${sig}`, { now }), true);
    assert.equal(verifyWebhookSignature(SECRET, ts, body, other, { now }), false);
  });

  it('refuses stale or future timestamps, tampering, and malformed input without throwing', () => {
    assert.equal(verifyWebhookSignature(SECRET, ts, body, sig, { now: now + 301_000 }), false);
    assert.equal(verifyWebhookSignature(SECRET, ts, body, sig, { now: now - 301_000 }), false);
    assert.equal(
      verifyWebhookSignature(SECRET, ts, body, sig, { now: now + 2_000, toleranceMs: 1_000 }),
      false,
    );
    assert.equal(verifyWebhookSignature(SECRET, ts, `${body} `, sig, { now }), false);
    assert.equal(verifyWebhookSignature(`${SECRET}x`, ts, body, sig, { now }), false);
    for (const header of [undefined, '', 'v1=', 'v0=' + sig.slice(3), sig.slice(0, -2), `${sig}00`, 'v1=zz'])
      assert.equal(verifyWebhookSignature(SECRET, ts, body, header, { now }), false, String(header));
    for (const t of [undefined, '', '1767225600.0', '-1', '0x69', ' 1767225600'])
      assert.equal(verifyWebhookSignature(SECRET, t, body, sig, { now }), false, String(t));
    assert.equal(verifyWebhookSignature('', ts, body, sig, { now }), false);
  });
});
