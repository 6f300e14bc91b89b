import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Secret, TOTP, URI } from 'otpauth';
import { cleanCode, matchTotpStep, newTotpSecret, totpIssuer, totpStep, totpUri } from './totp.ts';

const now = new Date('2026-11-24T09:00:10.000Z');
const codeAt = (secret: string, at: Date) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });

describe('TOTP helpers', () => {
  it('makes 160-bit secrets, different every time', () => {
    const a = newTotpSecret();
    assert.equal(Secret.fromBase32(a).bytes.length, 20);
    assert.match(a, /^[A-Z2-7]{32}$/);
    assert.notEqual(a, newTotpSecret());
  });

  it('builds an otpauth URI with issuer, account, secret and the standard parameters', () => {
    const secret = newTotpSecret();
    const uri = totpUri({ secret, username: 'ada.lovelace', firmLabel: 'Acme Bank' });
    const u = new URL(uri);
    assert.equal(u.protocol, 'otpauth:');
    assert.equal(u.host, 'totp');
    assert.equal(decodeURIComponent(u.pathname), '/Dossier (Acme Bank):ada.lovelace');
    assert.equal(u.searchParams.get('issuer'), 'Dossier (Acme Bank)');
    assert.equal(u.searchParams.get('secret'), secret);
    assert.equal(u.searchParams.get('algorithm'), 'SHA1');
    assert.equal(u.searchParams.get('digits'), '6');
    assert.equal(u.searchParams.get('period'), '30');
    // What an app would parse from it gives the same codes.
    const parsed = URI.parse(uri) as TOTP;
    assert.equal(parsed.generate({ timestamp: now.getTime() }), codeAt(secret, now));
  });

  it('uses plain "Dossier" without a firm label and keeps colons out of the issuer', () => {
    assert.equal(totpIssuer(), 'Dossier');
    assert.equal(totpIssuer('  '), 'Dossier');
    assert.equal(totpIssuer('Evil:Corp\n'), 'Dossier (Evil Corp)');
    const u = new URL(totpUri({ secret: newTotpSecret(), username: 'bob' }));
    assert.equal(decodeURIComponent(u.pathname), '/Dossier:bob');
  });

  it('matches the current and the previous step, never two back or a future step', () => {
    const secret = newTotpSecret();
    const step = totpStep(now);
    const back = (n: number) => new Date(now.getTime() + n * 30_000);
    assert.equal(matchTotpStep(secret, codeAt(secret, now), now), step);
    assert.equal(matchTotpStep(secret, codeAt(secret, back(-1)), now), step - 1);
    const twoBack = codeAt(secret, back(-2));
    const future = codeAt(secret, back(1));
    // Guard against the 1-in-10^6 chance that a refused step's code equals an accepted one.
    if (twoBack !== codeAt(secret, now) && twoBack !== codeAt(secret, back(-1)))
      assert.equal(matchTotpStep(secret, twoBack, now), null);
    if (future !== codeAt(secret, now) && future !== codeAt(secret, back(-1)))
      assert.equal(matchTotpStep(secret, future, now), null);
  });

  it('refuses malformed codes and cleans typed separators', () => {
    const secret = newTotpSecret();
    assert.equal(matchTotpStep(secret, '', now), null);
    assert.equal(matchTotpStep(secret, '12345', now), null);
    assert.equal(matchTotpStep(secret, '1234567', now), null);
    assert.equal(matchTotpStep(secret, 'abcdef', now), null);
    assert.equal(cleanCode(' 123 456 '), '123456');
    assert.equal(cleanCode('123-456'), '123456');
    assert.equal(cleanCode('1'.repeat(33)), '');
  });
});
