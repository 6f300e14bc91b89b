import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  generateKeyring,
  Keyring,
  loadKeyring,
  upgradeKeyringFile,
  writeKeyringFile,
  type KeyringFile,
} from './keyring.ts';

describe('key ring', () => {
  const ring = new Keyring(generateKeyring());

  it('encrypts fields with a fresh nonce, bound to their context', () => {
    const a = ring.encryptField('P1234567', 'subject_identifiers:s1');
    const b = ring.encryptField('P1234567', 'subject_identifiers:s1');
    assert.notDeepEqual(a, b, 'same plaintext, different ciphertexts');
    assert.ok(!a.includes(Buffer.from('P1234567')));
    assert.equal(ring.decryptField(a, 'subject_identifiers:s1'), 'P1234567');
    assert.throws(() => ring.decryptField(a, 'subject_identifiers:s2'), 'moved to another row');
  });

  it('detects any bit flip, truncation or header change', () => {
    const c = ring.encryptField('secret value', 'ctx');
    for (const i of [0, 2, 5, c.length - 20, c.length - 1]) {
      const bad = Buffer.from(c);
      bad[i]! ^= 0x01;
      assert.throws(() => ring.decryptField(bad, 'ctx'), `flip at ${i}`);
    }
    assert.throws(() => ring.decryptField(c.subarray(0, c.length - 1), 'ctx'));
  });

  it('keeps purposes apart: a field ciphertext does not open as a TOTP secret', () => {
    const c = ring.encryptField('JBSWY3DPEHPK3PXP', 'totp:u1', 'totp');
    assert.equal(ring.decryptField(c, 'totp:u1', 'totp'), 'JBSWY3DPEHPK3PXP');
    assert.throws(() => ring.decryptField(c, 'totp:u1', 'field'));
    assert.notDeepEqual(ring.blindIndex('d', 'v'), ring.otpMac('d', 'v'));
    assert.deepEqual(ring.otpMac('attempt-1', '123456'), ring.otpMac('attempt-1', '123456'));
    assert.notDeepEqual(ring.otpMac('attempt-1', '123456'), ring.otpMac('attempt-2', '123456'));
  });

  it('a ciphertext made under an old key still opens after a new key becomes active', () => {
    const file = generateKeyring();
    const old = new Keyring(file);
    const c = old.encryptField('kept', 'ctx');
    const next = generateKeyring();
    const newField = next.keys.find((k) => k.purpose === 'field')!;
    const rotated: KeyringFile = {
      ...file,
      keys: [...file.keys, newField],
      active: { ...file.active, field: newField.id },
    };
    const ring2 = new Keyring(rotated);
    assert.equal(ring2.decryptField(c, 'ctx'), 'kept');
    assert.equal(
      ring2
        .encryptField('x', 'ctx')
        .subarray(2, 2 + newField.id.length)
        .toString(),
      newField.id,
    );
  });

  it('files are 0600, never overwritten, and an older key ring is upgraded without touching its keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-ring-'));
    const path = join(dir, 'keyring.json');
    writeKeyringFile(path, generateKeyring());
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.throws(() => writeKeyringFile(path, generateKeyring()), /already exists/);

    const legacy = generateKeyring();
    legacy.keys = legacy.keys.filter(
      (k) => k.purpose === 'field' || k.purpose === 'blind-index' || k.purpose === 'kek',
    );
    delete (legacy.active as Partial<Record<string, string>>)['totp'];
    delete (legacy.active as Partial<Record<string, string>>)['otp'];
    const legacyPath = join(dir, 'legacy.json');
    writeFileSync(legacyPath, JSON.stringify(legacy), { mode: 0o600 });
    assert.throws(() => loadKeyring({ file: legacyPath }), /no active totp key/);
    assert.deepEqual(upgradeKeyringFile(legacyPath).sort(), ['otp', 'totp']);
    const upgraded = JSON.parse(readFileSync(legacyPath, 'utf8')) as KeyringFile;
    for (const k of legacy.keys)
      assert.deepEqual(
        upgraded.keys.find((u) => u.id === k.id),
        k,
      );
    assert.equal(statSync(legacyPath).mode & 0o777, 0o600);
    assert.ok(loadKeyring({ file: legacyPath }));
    assert.deepEqual(upgradeKeyringFile(legacyPath), []);
  });
});
