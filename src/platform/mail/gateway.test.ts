import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertValidMailMessage, isValidMailAddress, MailDeliveryError, maskEmail } from './gateway.ts';

describe('mail message checks', () => {
  it('accepts one bare address, as the users schema does', () => {
    for (const a of ['alice@bank.example', 'a.b+tag@mail.bank.example', "o'brien@x.example", 'A@B.EXAMPLE'])
      assert.equal(isValidMailAddress(a), true, a);
    for (const a of [
      'alice',
      '@bank.example',
      'alice@',
      'alice@localhost',
      'alice@bank.example ',
      ' alice@bank.example',
      'alice@bank..example',
      'al ice@bank.example',
      'alice@bank.example;bob@bank.example',
      'alice@bank.example\u0000',
      'jürg@bank.example',
      `${'a'.repeat(64)}@${'b'.repeat(186)}.example`,
      42,
      undefined,
    ])
      assert.equal(isValidMailAddress(a), false, String(a));
  });

  it('throws `invalid` with a detail, never the value', () => {
    const err = (() => {
      try {
        assertValidMailMessage({ to: 'x@y.example', subject: 'a\nb', text: 'secret-link' });
      } catch (e) {
        return e;
      }
      return assert.fail('accepted');
    })();
    assert.ok(err instanceof MailDeliveryError);
    assert.equal(err.reason, 'invalid');
    assert.equal(err.message, 'E-mail delivery failed: invalid (invalid_subject)');
    assert.ok(!String(err).includes('secret-link') && !String(err).includes('x@y.example'));
    assert.throws(() => assertValidMailMessage(null as never), MailDeliveryError);
  });

  it('masks addresses for logs', () => {
    assert.equal(maskEmail('alice@example.com'), 'a***@example.com');
    assert.equal(maskEmail('b@bank.example'), 'b***@bank.example');
    assert.equal(maskEmail('not an address\r\n'), '***');
  });
});
