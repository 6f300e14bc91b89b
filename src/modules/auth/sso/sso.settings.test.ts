import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../platform/config.ts';
import { assertsMfa, matchedMappings, readClaims } from './sso-claims.ts';
import { SsoRefusedError } from './sso.errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'dossier-sso-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function load(providers: unknown[], env: Record<string, string> = {}) {
  const file = join(dir, `c${n++}.json`);
  writeFileSync(file, JSON.stringify({ sso: { providers } }));
  return loadConfig({ DOSSIER_DATA_DIR: dir, DOSSIER_CONFIG: file, ...env }, '/');
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  assert.fail('expected a ConfigError');
}

const base = {
  id: 'corp-idp',
  displayName: 'Corp',
  issuer: 'https://idp.example/realms/corp',
  clientId: 'dossier',
};

describe('sso settings', () => {
  it('no providers by default', () => {
    assert.deepEqual(loadConfig({ DOSSIER_DATA_DIR: dir }, '/').sso, { providers: [] });
  });

  it('fills the defaults; the secret comes from DOSSIER_SSO_<ID>_CLIENT_SECRET; caFile is resolved', () => {
    const cfg = load([{ ...base, caFile: 'idp-ca.pem' }], { DOSSIER_SSO_CORP_IDP_CLIENT_SECRET: 's3cret' });
    const p = cfg.sso.providers[0]!;
    assert.equal(p.clientSecret, 's3cret');
    assert.deepEqual(p.idTokenAlgorithms, ['RS256', 'PS256', 'ES256']);
    assert.equal(p.provisioning, 'preProvisioned');
    assert.equal(p.requireMappedGroup, true);
    assert.deepEqual(p.logout, { backChannel: true, frontChannel: false, rpInitiated: true });
    assert.equal(p.caFile, join(dir, 'idp-ca.pem'));
    assert.ok(Object.isFrozen(p));
  });

  it('refuses alg none and HS*, an http issuer, a missing secret, duplicate ids, a stray secret variable', () => {
    const secret = { DOSSIER_SSO_CORP_IDP_CLIENT_SECRET: 'x' };
    for (const alg of ['none', 'HS256', 'hs512']) {
      const p = problems(() => load([{ ...base, idTokenAlgorithms: ['RS256', alg] }], secret));
      assert.ok(
        p.some((x) => x.includes('idTokenAlgorithms') && x.includes(alg)),
        p.join(),
      );
    }
    assert.ok(
      problems(() => load([{ ...base, issuer: 'http://idp.example' }], secret)).some((x) =>
        x.includes('issuer'),
      ),
    );
    assert.ok(problems(() => load([base])).some((x) => x.includes('DOSSIER_SSO_CORP_IDP_CLIENT_SECRET')));
    assert.ok(problems(() => load([base, base], secret)).some((x) => x.includes('used by another provider')));
    assert.ok(
      problems(() => load([base], { ...secret, DOSSIER_SSO_OTHER_CLIENT_SECRET: 'y' })).some((x) =>
        x.startsWith('DOSSIER_SSO_OTHER_CLIENT_SECRET'),
      ),
    );
    assert.ok(problems(() => load([{ ...base, id: 'Bad Id' }], secret)).length > 0);
  });
});

describe('sso claims', () => {
  const cfg = load([
    {
      ...base,
      clientSecret: 'x',
      mfa: { amr: ['mfa', 'hwk'], acr: ['urn:corp:loa3'] },
      roleMappings: [
        { value: 'kyc-analysts', roles: ['Analyst'], programmes: [] },
        { claim: 'department', value: 'compliance', roles: ['Compliance officer'], programmes: ['Retail'] },
      ],
    },
  ]);
  const s = cfg.sso.providers[0]!;

  it('MFA: an accepted amr value or acr; nothing else', () => {
    assert.equal(assertsMfa(s, { amr: ['pwd', 'mfa'] }), true);
    assert.equal(assertsMfa(s, { acr: 'urn:corp:loa3' }), true);
    assert.equal(assertsMfa(s, { amr: ['pwd'], acr: 'urn:corp:loa1' }), false);
    assert.equal(assertsMfa(s, { amr: 'mfa' }), true, 'a single string is read as a list of one');
    assert.equal(assertsMfa(s, {}), false);
  });

  it('mappings match by group or by another claim', () => {
    assert.deepEqual(
      matchedMappings(s, { groups: ['kyc-analysts'], department: 'compliance' }).map((m) => m.value),
      ['kyc-analysts', 'compliance'],
    );
    assert.deepEqual(matchedMappings(s, { groups: 'other' }), []);
  });

  it('a token without a usable subject is refused; e-mail counts as verified only when exactly true', () => {
    assert.throws(() => readClaims(s, { sub: '' }), SsoRefusedError);
    assert.throws(() => readClaims(s, { sub: 42 }), SsoRefusedError);
    assert.equal(readClaims(s, { sub: 'a', email: 'a@b.c', email_verified: 'true' }).emailVerified, false);
    assert.equal(readClaims(s, { sub: 'a', email: 'a@b.c', email_verified: true }).emailVerified, true);
  });
});

describe('sso settings on the portal', () => {
  it('the DMZ portal is given no providers (and needs no secret)', () => {
    const file = join(dir, 'portal.json');
    writeFileSync(file, JSON.stringify({ sso: { providers: [base] } }));
    const cfg = loadConfig({ DOSSIER_DATA_DIR: dir, DOSSIER_CONFIG: file }, '/', 'portal');
    assert.deepEqual(cfg.sso.providers, []);
  });
});
