/**
 * The key ring: versioned symmetric keys by purpose, kept in a file readable only by the service
 * account (or given in the environment), never in the database. Field encryption is AES-256-GCM with
 * the key id stored in every ciphertext and the row context bound as additional data; equality lookups
 * on encrypted fields use an HMAC-SHA256 blind index.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * field: personal data fields; totp: authenticator secrets (their own key, ASVS 2.8.2 of 4.0.3);
 * blind-index: equality lookups on encrypted values; otp: keyed hashes of one-time codes (SMS and
 * recovery codes), so a database dump does not let codes be brute-forced offline; kek: wraps
 * document data keys.
 */
export type KeyPurpose = 'field' | 'totp' | 'blind-index' | 'otp' | 'kek';
export const KEY_PURPOSES: readonly KeyPurpose[] = ['field', 'totp', 'blind-index', 'otp', 'kek'];
const PURPOSES = KEY_PURPOSES;
type CipherPurpose = 'field' | 'totp';

interface KeyEntry {
  id: string;
  purpose: KeyPurpose;
  created: string;
  material: string;
}
export interface KeyringFile {
  format: 'dossier-keyring/1';
  keys: KeyEntry[];
  active: Record<KeyPurpose, string>;
}

const FORMAT_VERSION = 1;

/** A loaded key ring. Key material never leaves this object except into node:crypto. */
export class Keyring {
  readonly #keys = new Map<string, { purpose: KeyPurpose; material: KeyObject }>();
  readonly #active: Record<KeyPurpose, string>;

  constructor(file: KeyringFile) {
    if (file.format !== 'dossier-keyring/1') throw new Error('key ring: unknown format');
    for (const k of file.keys) {
      const material = Buffer.from(k.material, 'base64');
      if (material.length !== 32) throw new Error(`key ring: key ${k.id} is not 256 bits`);
      if (!PURPOSES.includes(k.purpose)) throw new Error(`key ring: key ${k.id} has unknown purpose`);
      this.#keys.set(k.id, { purpose: k.purpose, material: createSecretKey(material) });
    }
    for (const p of PURPOSES) {
      const id = file.active[p];
      if (!id || this.#keys.get(id)?.purpose !== p) {
        throw new Error(`key ring: no active ${p} key (an older key ring: run "dossier init" to add it)`);
      }
    }
    this.#active = { ...file.active };
  }

  /** Encrypts a field value; `context` (e.g. table, column and row id) must be given again to decrypt. */
  encryptField(plaintext: string, context: string, purpose: CipherPurpose = 'field'): Buffer {
    const keyId = this.#active[purpose];
    const key = this.#key(keyId, purpose);
    const nonce = randomBytes(12);
    const idBytes = Buffer.from(keyId, 'utf8');
    const header = Buffer.concat([Buffer.from([FORMAT_VERSION, idBytes.length]), idBytes, nonce]);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.concat([header, Buffer.from(context, 'utf8')]));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  }

  decryptField(blob: Uint8Array, context: string, purpose: CipherPurpose = 'field'): string {
    const buf = Buffer.from(blob);
    if (buf.length < 2 + 12 + 16 || buf[0] !== FORMAT_VERSION)
      throw new Error('field ciphertext: bad header');
    const idLen = buf[1]!;
    const headerLen = 2 + idLen + 12;
    const keyId = buf.subarray(2, 2 + idLen).toString('utf8');
    const nonce = buf.subarray(2 + idLen, headerLen);
    const decipher = createDecipheriv('aes-256-gcm', this.#key(keyId, purpose), nonce);
    decipher.setAAD(Buffer.concat([buf.subarray(0, headerLen), Buffer.from(context, 'utf8')]));
    decipher.setAuthTag(buf.subarray(buf.length - 16));
    return Buffer.concat([
      decipher.update(buf.subarray(headerLen, buf.length - 16)),
      decipher.final(),
    ]).toString('utf8');
  }

  /** Keyed blind index for equality lookups on an encrypted value. */
  blindIndex(domain: string, value: string): Buffer {
    return createHmac('sha256', this.#key(this.#active['blind-index'], 'blind-index'))
      .update(`${domain}\u0000${value}`)
      .digest();
  }

  /** Keyed hash of a one-time code (SMS, recovery), bound to its domain (e.g. the login attempt). */
  otpMac(domain: string, code: string): Buffer {
    return createHmac('sha256', this.#key(this.#active.otp, 'otp')).update(`${domain}\u0000${code}`).digest();
  }

  #key(id: string, purpose: KeyPurpose): KeyObject {
    const k = this.#keys.get(id);
    if (!k || k.purpose !== purpose) throw new Error(`key ring: no ${purpose} key ${id}`);
    return k.material;
  }
}

function newKey(purpose: KeyPurpose, now: Date): KeyEntry {
  return {
    id: `${purpose}-${randomUUID().slice(0, 8)}`,
    purpose,
    created: now.toISOString(),
    material: randomBytes(32).toString('base64'),
  };
}

/** A new key ring with one fresh key per purpose. */
export function generateKeyring(now = new Date()): KeyringFile {
  const keys = PURPOSES.map((purpose) => newKey(purpose, now));
  return {
    format: 'dossier-keyring/1',
    keys,
    active: Object.fromEntries(keys.map((k) => [k.purpose, k.id])) as Record<KeyPurpose, string>,
  };
}

/**
 * Adds a fresh key for every purpose a key ring file lacks (a key ring made by an older version);
 * existing keys are never touched. Returns the purposes added.
 */
export function upgradeKeyringFile(path: string, now = new Date()): KeyPurpose[] {
  const ring = JSON.parse(readFileSync(path, 'utf8')) as KeyringFile;
  const missing = PURPOSES.filter((p) => !ring.active[p]);
  if (!missing.length) return [];
  for (const purpose of missing) {
    const key = newKey(purpose, now);
    ring.keys.push(key);
    ring.active[purpose] = key.id;
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(ring, null, 2), { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
  return missing;
}

/** Writes a key ring file with mode 0600, atomically; refuses to overwrite an existing one. */
export function writeKeyringFile(path: string, ring: KeyringFile): void {
  if (existsSync(path)) throw new Error(`key ring already exists: ${path}`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(ring, null, 2), { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Loads the key ring from inline base64 JSON or from the file. */
export function loadKeyring(source: { inline?: string | undefined; file: string }): Keyring {
  const text = source.inline
    ? Buffer.from(source.inline, 'base64').toString('utf8')
    : readFileSync(source.file, 'utf8');
  return new Keyring(JSON.parse(text) as KeyringFile);
}
