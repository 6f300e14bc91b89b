import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { MailDeliveryError, type MailMessage } from './gateway.ts';
import { createSmtpMailer, toMailDeliveryError, type SmtpMailerOptions } from './smtp.ts';
import {
  closedPort,
  createTestPki,
  parseDelivery,
  recordingLogger,
  startSilentServer,
  startSmtpServer,
  type TestPki,
  type TestSmtpServer,
} from './test-support.ts';

const FROM = 'dossier@bank.example';
const TOKEN = randomBytes(24).toString('base64url');
const USERNAME = 'dossier-relay';
const PASSWORD = randomBytes(18).toString('base64url');
const MESSAGE: MailMessage = {
  to: 'alice.muster@bank.example',
  subject: 'Dossier: Ihr Zugang – bitte aktivieren',
  text: `Guten Tag Frau Müller,\n\nbitte aktivieren Sie Ihren Zugang:\nhttps://dossier.bank.example/activate#${TOKEN}\n\nDer Link ist 24 Stunden gültig.\n`,
};
/** What may never appear in an error or a log line. */
const SECRETS = [TOKEN, PASSWORD, MESSAGE.to, 'Müller'];

/** Every way an error could leak: its message, inspection (stack, fields) and JSON. */
function assertNoSecrets(err: unknown, secrets: string[] = SECRETS) {
  const views = [String(err), inspect(err, { depth: 5 }), JSON.stringify(err)];
  for (const secret of secrets)
    for (const view of views) assert.ok(!view.includes(secret), `leaked in: ${view}`);
}

async function rejectsWith(promise: Promise<unknown>, reason: string): Promise<MailDeliveryError> {
  const err = await promise.then(
    () => assert.fail('expected a delivery error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof MailDeliveryError, `not a MailDeliveryError: ${String(err)}`);
  assert.equal(err.reason, reason, err.message);
  assertNoSecrets(err);
  return err;
}

/** Commands that must never reach a server before TLS is verified. */
const AFTER_TLS = /^(AUTH|MAIL|RCPT|DATA)\b/i;

describe('SMTP adapter against a local smtp-server', () => {
  let pki: TestPki;
  let otherPki: TestPki;
  let starttls: TestSmtpServer;
  let withAuth: TestSmtpServer;
  let implicit: TestSmtpServer;
  let plain: TestSmtpServer;
  const mailer = (server: TestSmtpServer, over: Partial<SmtpMailerOptions> = {}) =>
    createSmtpMailer({
      host: server.host,
      port: server.port,
      from: FROM,
      ca: pki.ca,
      timeoutMs: 1500,
      ...over,
    });

  before(async () => {
    [pki, otherPki] = await Promise.all([createTestPki(), createTestPki()]);
    [starttls, withAuth, implicit, plain] = await Promise.all([
      startSmtpServer({ pki, refuseRecipients: ['nobody@bank.example'] }),
      startSmtpServer({ pki, credentials: { username: USERNAME, password: PASSWORD } }),
      startSmtpServer({ pki, security: 'tls' }),
      startSmtpServer({ pki, security: 'plain' }),
    ]);
  });
  after(async () => {
    await Promise.all([starttls, withAuth, implicit, plain].map((s) => s.close()));
    pki.remove();
    otherPki.remove();
  });

  it('delivers the exact message over required STARTTLS; logs neither text nor address', async () => {
    const { logger, lines } = recordingLogger();
    const before = starttls.deliveries.length;
    await mailer(starttls, { logger }).send(MESSAGE);

    assert.equal(starttls.deliveries.length, before + 1);
    const d = starttls.deliveries.at(-1)!;
    assert.equal(d.secure, true);
    assert.match(d.protocol ?? '', /^TLSv1\.[23]$/);
    assert.equal(d.mailFrom, FROM);
    assert.deepEqual(d.rcptTo, [MESSAGE.to]);
    const parsed = await parseDelivery(d);
    assert.equal(parsed.from, FROM);
    assert.equal(parsed.to, MESSAGE.to);
    assert.equal(parsed.subject, MESSAGE.subject);
    assert.equal(parsed.text, MESSAGE.text);
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated');
    assert.equal(parsed.headers.has('x-mailer'), false);
    // STARTTLS came right after the first EHLO: nothing else was said in clear.
    assert.deepEqual(
      starttls.commands.slice(0, 2).map((c) => c.split(' ')[0]),
      ['EHLO', 'STARTTLS'],
    );

    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.equal(line.to, 'a***@bank.example');
    for (const secret of SECRETS) assert.ok(!lines[0]!.includes(secret), `logged: ${secret}`);
  });

  it('delivers over implicit TLS (security tls)', async () => {
    await mailer(implicit, { security: 'tls' }).send(MESSAGE);
    const d = implicit.deliveries.at(-1)!;
    assert.equal(d.secure, true);
    assert.equal((await parseDelivery(d)).text, MESSAGE.text);
  });

  it('requires STARTTLS: a server that does not offer it gets `tls` and nothing in clear', async () => {
    const { logger, lines } = recordingLogger();
    const err = await rejectsWith(
      mailer(plain, { username: USERNAME, password: PASSWORD, logger }).send(MESSAGE),
      'tls',
    );
    assert.equal(err.detail, 'ETLS');
    assert.equal(err.command, 'STARTTLS');
    assert.deepEqual(plain.deliveries, []);
    assert.deepEqual(plain.logins, []);
    assert.ok(plain.commands.length > 0, 'the client did connect');
    assert.deepEqual(
      plain.commands.filter((c) => AFTER_TLS.test(c)),
      [],
    );
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.includes('"warn"'));
    for (const secret of SECRETS) assert.ok(!lines[0]!.includes(secret));
  });

  it('implicit TLS against a plain-text greeting is `tls`', async () => {
    const err = await rejectsWith(mailer(starttls, { security: 'tls' }).send(MESSAGE), 'tls');
    assert.ok(err.detail, 'a TLS code is kept');
  });

  it('a certificate from another CA, or from no trusted CA, is refused before AUTH or MAIL', async () => {
    for (const ca of [otherPki.ca, undefined]) {
      for (const [server, security] of [
        [withAuth, 'starttls'],
        [implicit, 'tls'],
      ] as const) {
        const commands = server.commands.length;
        const deliveries = server.deliveries.length;
        const err = await rejectsWith(
          mailer(server, { ca, security, username: USERNAME, password: PASSWORD }).send(MESSAGE),
          'tls',
        );
        assert.match(err.detail ?? '', /CERT|VERIFY|SELF_SIGNED|ISSUER|ETLS/);
        assert.deepEqual(
          server.commands.slice(commands).filter((c) => AFTER_TLS.test(c)),
          [],
        );
        assert.equal(server.deliveries.length, deliveries);
      }
    }
    assert.deepEqual(withAuth.logins, []);
  });

  it('a certificate from the trusted CA but for another name is refused', async () => {
    // The certificate names localhost, 127.0.0.1 and ::1; 127.0.0.2 is loopback too, but not named.
    const misnamed = await startSmtpServer({ pki, host: '127.0.0.2' });
    try {
      const err = await rejectsWith(mailer(misnamed).send(MESSAGE), 'tls');
      assert.equal(err.detail, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.deepEqual(misnamed.deliveries, []);
    } finally {
      await misnamed.close();
    }
  });

  it('sends the configured AUTH credentials over TLS', async () => {
    await mailer(withAuth, { username: USERNAME, password: PASSWORD }).send(MESSAGE);
    assert.deepEqual(withAuth.logins.at(-1), { username: USERNAME, accepted: true });
    const d = withAuth.deliveries.at(-1)!;
    assert.equal(d.user, USERNAME);
    assert.equal(d.secure, true);
  });

  it('a wrong password is `rejected` (535), and neither error nor log carries a secret', async () => {
    const { logger, lines } = recordingLogger();
    const wrong = randomBytes(18).toString('base64url');
    const before = withAuth.deliveries.length;
    const err = await rejectsWith(
      mailer(withAuth, { username: USERNAME, password: wrong, logger }).send(MESSAGE),
      'rejected',
    );
    assert.equal(err.smtpCode, 535);
    assert.match(err.command ?? '', /^AUTH /);
    assertNoSecrets(err, [...SECRETS, wrong, Buffer.from(`\0${USERNAME}\0${wrong}`).toString('base64')]);
    assert.deepEqual(withAuth.logins.at(-1), { username: USERNAME, accepted: false });
    assert.equal(withAuth.deliveries.length, before);
    assert.ok(lines.every((l) => !l.includes(wrong) && !l.includes(TOKEN)));
  });

  it('a server that requires AUTH refuses a mailer without credentials: `rejected`', async () => {
    const err = await rejectsWith(mailer(withAuth).send(MESSAGE), 'rejected');
    assert.equal(err.smtpCode, 530);
  });

  it('a refused recipient is `rejected` (550 at RCPT TO) without echoing the address', async () => {
    const err = await rejectsWith(
      mailer(starttls).send({ ...MESSAGE, to: 'nobody@bank.example' }),
      'rejected',
    );
    assert.equal(err.smtpCode, 550);
    assert.equal(err.command, 'RCPT TO');
    assertNoSecrets(err, ['nobody@bank.example', TOKEN]);
  });

  it('a refused connection is `unreachable`', async () => {
    const port = await closedPort();
    const err = await rejectsWith(
      createSmtpMailer({ host: '127.0.0.1', port, from: FROM, ca: pki.ca, timeoutMs: 1500 }).send(MESSAGE),
      'unreachable',
    );
    assert.equal(err.detail, 'ECONNREFUSED');
  });

  it('a server that never answers is `timeout` within the deadline', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      await rejectsWith(
        createSmtpMailer({ host: '127.0.0.1', port: silent.port, from: FROM, timeoutMs: 300 }).send(MESSAGE),
        'timeout',
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 1500, `${elapsed} ms`);
    } finally {
      await silent.close();
    }
  });

  it('refuses header injection and malformed messages before any connection', async () => {
    const cases: Array<[Partial<MailMessage>, string]> = [
      [{ to: 'alice@bank.example\r\nBcc: eve@evil.example' }, 'invalid_recipient'],
      [{ to: 'alice@bank.example\nBcc: eve@evil.example' }, 'invalid_recipient'],
      [{ to: 'alice@bank.example, eve@evil.example' }, 'invalid_recipient'],
      [{ to: 'Alice <alice@bank.example>' }, 'invalid_recipient'],
      [{ to: '"eve@evil.example" <alice@bank.example>' }, 'invalid_recipient'],
      [{ to: 'alice@bank.example\n' }, 'invalid_recipient'],
      [{ to: `${'a'.repeat(65)}@bank.example` }, 'invalid_recipient'],
      [{ to: '' }, 'invalid_recipient'],
      [{ subject: 'Hello\r\nBcc: eve@evil.example' }, 'invalid_subject'],
      [{ subject: 'Hello\nBcc: eve@evil.example' }, 'invalid_subject'],
      [{ subject: 'Hello\rBcc: eve@evil.example' }, 'invalid_subject'],
      [{ subject: 'Hello\u2028Bcc: eve@evil.example' }, 'invalid_subject'],
      [{ subject: 's'.repeat(201) }, 'invalid_subject'],
      [{ subject: ' ' }, 'invalid_subject'],
      [{ text: 't'.repeat(20_001) }, 'invalid_text'],
      [{ text: 'escape \u001b[2J' }, 'invalid_text'],
      [{ text: '' }, 'invalid_text'],
    ];
    const connections = starttls.connections;
    const m = mailer(starttls);
    for (const [change, detail] of cases) {
      const err = await rejectsWith(m.send({ ...MESSAGE, ...change }), 'invalid');
      assert.equal(err.detail, detail, JSON.stringify(change));
    }
    assert.equal(starttls.connections, connections, 'no connection may be opened');
    // The limits themselves are allowed.
    await m.send({ ...MESSAGE, subject: 's'.repeat(200), text: 't'.repeat(20_000) });
  });

  it('security none (development) talks plain SMTP and refuses credentials', async () => {
    await mailer(plain, { security: 'none', ca: undefined }).send(MESSAGE);
    const d = plain.deliveries.at(-1)!;
    assert.equal(d.secure, false);
    assert.equal((await parseDelivery(d)).subject, MESSAGE.subject);
    assert.throws(
      () => mailer(plain, { security: 'none', username: USERNAME, password: PASSWORD }),
      /credentials are never sent without TLS/,
    );
  });

  it('refuses unusable settings at creation, naming the setting but never a secret', () => {
    const base = { host: '127.0.0.1', from: FROM };
    const bad: Array<[Partial<SmtpMailerOptions>, RegExp]> = [
      [{ from: 'Dossier <dossier@bank.example>' }, /mail\.from/],
      [{ from: 'dossier@bank.example\r\nBcc: eve@evil.example' }, /mail\.from/],
      [{ host: 'smtp.bank.example\r\n' }, /mail\.host/],
      [{ host: '' }, /mail\.host/],
      [{ port: 0 }, /mail\.port/],
      [{ username: USERNAME }, /both username and password/],
      [{ password: PASSWORD }, /both username and password/],
      [{ username: USERNAME, password: `${PASSWORD}\r\nQUIT` }, /mail\.password/],
      [{ security: 'ssl' as never }, /mail\.security/],
      [{ timeoutMs: 0 }, /mail\.timeoutMs/],
    ];
    for (const [over, message] of bad) {
      const err = (() => {
        try {
          createSmtpMailer({ ...base, ...over });
        } catch (e) {
          return e;
        }
        return assert.fail(`accepted ${JSON.stringify(over)}`);
      })();
      assert.match(String(err), message);
      assertNoSecrets(err, [PASSWORD]);
    }
  });

  it('after close(), sends fail with `unreachable`', async () => {
    const m = mailer(starttls);
    await m.close!();
    const err = await rejectsWith(m.send(MESSAGE), 'unreachable');
    assert.equal(err.detail, 'mailer_closed');
  });
});

describe('nodemailer errors → MailDeliveryError', () => {
  const nodemailerError = (fields: Record<string, unknown>) =>
    Object.assign(new Error(`Failure: 550 5.1.1 <${MESSAGE.to}>: ${TOKEN}`), fields);

  it('maps each kind, keeping only codes', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ code: 'EDNS', originalCode: 'ENOTFOUND', command: 'CONN' }, 'unreachable'],
      [{ code: 'ESOCKET', originalCode: 'ECONNRESET', command: 'CONN' }, 'unreachable'],
      [{ code: 'EPROTOCOL', command: 'CONN' }, 'unreachable'],
      [{ code: 'EPROTOCOL', response: `554 ${MESSAGE.to}`, responseCode: 554 }, 'rejected'],
      [{ code: 'ECONNECTION', responseCode: 421, command: 'CONN' }, 'unreachable'],
      [{ code: 'ESOCKET', originalCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'tls'],
      [{ code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'tls'],
      [{ code: 'ETLS', command: 'STARTTLS', responseCode: 454 }, 'tls'],
      [{ code: 'ETIMEDOUT', command: 'CONN' }, 'timeout'],
      [{ code: 'EABORT', name: 'AbortError' }, 'timeout'],
      [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, 'rejected'],
      [{ code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO' }, 'rejected'],
      [{ code: 'EMESSAGE', responseCode: 554, command: 'DATA' }, 'rejected'],
      [{}, 'unreachable'],
    ];
    for (const [fields, reason] of cases) {
      const err = toMailDeliveryError(nodemailerError(fields));
      assert.equal(err.reason, reason, JSON.stringify(fields));
      assertNoSecrets(err, [MESSAGE.to, TOKEN, 'Failure']);
      assert.equal(err.smtpCode, fields.responseCode);
    }
  });

  it('drops codes and commands that are not short machine codes', () => {
    const err = toMailDeliveryError(
      nodemailerError({ code: `E ${MESSAGE.to}`, command: `RCPT TO:<${MESSAGE.to}>`, responseCode: 'x' }),
    );
    assert.deepEqual(err.toLog(), {
      reason: 'unreachable',
      smtpCode: undefined,
      command: undefined,
      detail: 'mail_error',
    });
    assert.equal(toMailDeliveryError(undefined).reason, 'unreachable');
  });
});
