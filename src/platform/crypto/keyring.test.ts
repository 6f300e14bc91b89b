import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  generateKeyring,
  Keyring,
  loadKeyring,
  retireKeyFromKeyringFile,
  rotateKeyringFile,
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

  it('wraps data keys with the active kek, bound to the blob id', () => {
    const dataKey = randomBytes(32);
    const blob = randomUUID();
    const { kekId, wrapped } = ring.wrapDataKey(dataKey, blob);
    assert.equal(kekId, ring.activeKeyId('kek'));
    assert.deepEqual(ring.keyIds('kek'), [kekId]);
    assert.ok(!wrapped.includes(dataKey));
    assert.notDeepEqual(ring.wrapDataKey(dataKey, blob).wrapped, wrapped, 'fresh nonce');
    assert.deepEqual(ring.unwrapDataKey(kekId, wrapped, blob), dataKey);
    assert.throws(() => ring.unwrapDataKey(kekId, wrapped, randomUUID()), /unwrap failed/, 'other blob');
    for (let i = 0; i < wrapped.length; i++) {
      const bad = Buffer.from(wrapped);
      bad[i]! ^= 0x80;
      assert.throws(() => ring.unwrapDataKey(kekId, bad, blob), `flip at ${i}`);
    }
    assert.throws(() => ring.unwrapDataKey(kekId, wrapped.subarray(1), blob), /bad wrapped key/);
    assert.throws(() => ring.unwrapDataKey('kek-unknown', wrapped, blob), /no kek key/);
    assert.throws(
      () => ring.unwrapDataKey(ring.activeKeyId('field'), wrapped, blob),
      /no kek key/,
      'not a kek',
    );
    assert.throws(() => new Keyring(generateKeyring()).unwrapDataKey(kekId, wrapped, blob), 'another ring');
    assert.throws(() => ring.wrapDataKey(randomBytes(16), blob), /256 bits/);
  });

  it('rotates a key ring file: old wraps still open, new wraps use the new kek, retiring refuses active keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-ring-'));
    const path = join(dir, 'keyring.json');
    writeKeyringFile(path, generateKeyring());
    const server = loadKeyring({ file: path });
    const blob = randomUUID();
    const dataKey = randomBytes(32);
    const old = server.wrapDataKey(dataKey, blob);

    const { newKeyId, previousKeyId } = rotateKeyringFile(path, 'kek');
    assert.equal(previousKeyId, old.kekId);
    assert.notEqual(newKeyId, previousKeyId);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['keyring.json'], 'no temp file left');

    assert.equal(server.refresh(), true, 'the server sees the rotation');
    assert.equal(server.refresh(), false, 'and only once');
    assert.equal(server.activeKeyId('kek'), newKeyId);
    assert.deepEqual(server.keyIds('kek').sort(), [newKeyId, previousKeyId].sort());
    const fresh = server.wrapDataKey(dataKey, blob);
    assert.equal(fresh.kekId, newKeyId);
    assert.deepEqual(server.unwrapDataKey(old.kekId, old.wrapped, blob), dataKey);
    assert.deepEqual(loadKeyring({ file: path }).unwrapDataKey(fresh.kekId, fresh.wrapped, blob), dataKey);

    assert.throws(() => retireKeyFromKeyringFile(path, newKeyId), /is active/);
    assert.throws(() => retireKeyFromKeyringFile(path, server.activeKeyId('field')), /is active/);
    assert.throws(() => retireKeyFromKeyringFile(path, 'kek-nope'), /no key/);
    retireKeyFromKeyringFile(path, previousKeyId);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const after = loadKeyring({ file: path });
    assert.deepEqual(after.keyIds('kek'), [newKeyId]);
    assert.throws(() => after.unwrapDataKey(old.kekId, old.wrapped, blob), /no kek key/);
    assert.throws(() => rotateKeyringFile(path, 'nope' as 'kek'), /unknown purpose/);
  });

  it('on an unknown key id, re-reads the file (at most once a second); inline key rings never reload', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const dir = mkdtempSync(join(tmpdir(), 'dossier-ring-'));
    const path = join(dir, 'keyring.json');
    const file = generateKeyring();
    writeKeyringFile(path, file);
    const server = loadKeyring({ file: path });
    const inline = loadKeyring({ inline: Buffer.from(JSON.stringify(file)).toString('base64'), file: path });
    const blob = randomUUID();
    const dataKey = randomBytes(32);

    // Another process (the CLI) rotates; this server has not refreshed yet.
    const writer = loadKeyring({ file: path });
    rotateKeyringFile(path, 'kek');
    assert.equal(writer.refresh(), true);
    const w1 = writer.wrapDataKey(dataKey, blob);
    assert.deepEqual(server.unwrapDataKey(w1.kekId, w1.wrapped, blob), dataKey, 'reloaded on the miss');
    assert.equal(server.activeKeyId('kek'), w1.kekId);
    assert.throws(() => inline.unwrapDataKey(w1.kekId, w1.wrapped, blob), /no kek key/);
    assert.equal(inline.refresh(), false);

    // A second rotation within the same second: the miss does not re-read, a second later it does.
    assert.throws(() => server.unwrapDataKey('kek-unknown', w1.wrapped, blob), /no kek key/);
    rotateKeyringFile(path, 'kek');
    writer.refresh();
    const w2 = writer.wrapDataKey(dataKey, blob);
    assert.throws(() => server.unwrapDataKey(w2.kekId, w2.wrapped, blob), /no kek key/, 'rate limited');
    t.mock.timers.tick(1000);
    assert.deepEqual(server.unwrapDataKey(w2.kekId, w2.wrapped, blob), dataKey);

    // Field keys are found the same way.
    rotateKeyringFile(path, 'field');
    writer.refresh();
    const c = writer.encryptField('v', 'ctx');
    t.mock.timers.tick(1000);
    assert.equal(server.decryptField(c, 'ctx'), 'v');
  });

  it('refuses a reload that changes the material of a known key id, keeping the keys it has', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dossier-ring-'));
    const path = join(dir, 'keyring.json');
    const file = generateKeyring();
    writeKeyringFile(path, file);
    const server = loadKeyring({ file: path });
    const c = server.encryptField('v', 'ctx');
    const forged = structuredClone(file);
    forged.keys.find((k) => k.purpose === 'field')!.material = randomBytes(32).toString('base64');
    writeFileSync(path, JSON.stringify(forged));
    assert.throws(() => server.refresh(), /changed/);
    assert.equal(server.decryptField(c, 'ctx'), 'v');
  });
});
