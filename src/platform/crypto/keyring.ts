/**
 * The key ring: versioned symmetric keys by purpose, kept in a file readable only by the service
 * account (or given in the environment), never in the database. Field encryption is AES-256-GCM with
 * the key id stored in every ciphertext and the row context bound as additional data; equality lookups
 * on encrypted fields use an HMAC-SHA256 blind index. Document data keys are wrapped by the active
 * kek, bound to their blob id. A key ring loaded from a file follows that file, so a rotation by the
 * CLI reaches running servers without a restart.
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
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

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
/** Version byte of a wrapped data key (also bound into its additional data). */
const WRAP_VERSION = 1;
const WRAPPED_LENGTH = 1 + 12 + 32 + 16;
/** A miss (unknown key id) re-reads the file at most this often, so bad ids cannot cause a read storm. */
const MISS_RELOAD_INTERVAL_MS = 1000;

type KeyMap = Map<string, { purpose: KeyPurpose; material: KeyObject }>;

function parseKeyring(file: KeyringFile): { keys: KeyMap; active: Record<KeyPurpose, string> } {
  if (file.format !== 'dossier-keyring/1') throw new Error('key ring: unknown format');
  const keys: KeyMap = new Map();
  for (const k of file.keys) {
    const material = Buffer.from(k.material, 'base64');
    if (material.length !== 32) throw new Error(`key ring: key ${k.id} is not 256 bits`);
    if (!PURPOSES.includes(k.purpose)) throw new Error(`key ring: key ${k.id} has unknown purpose`);
    if (keys.has(k.id)) throw new Error(`key ring: duplicate key id ${k.id}`);
    keys.set(k.id, { purpose: k.purpose, material: createSecretKey(material) });
  }
  for (const p of PURPOSES) {
    const id = file.active[p];
    if (!id || keys.get(id)?.purpose !== p) {
      throw new Error(`key ring: no active ${p} key (an older key ring: run "dossier init" to add it)`);
    }
  }
  return { keys, active: { ...file.active } };
}

interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function stampOf(path: string): FileStamp {
  const s = statSync(path);
  return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** Additional data of a wrapped data key: format version, kek id and blob id. */
function wrapAad(kekId: string, blobId: string): Buffer {
  return Buffer.from(`dossier-data-key/${WRAP_VERSION}\u0000${kekId}\u0000${blobId}`, 'utf8');
}

/**
 * A loaded key ring. Key material never leaves this object except into node:crypto.
 * Given `options.path` (loadKeyring does this for a file), it follows the file: refresh() re-reads it
 * when it changed, and an unknown key id re-reads it (at most once a second) before failing.
 */
export class Keyring {
  #keys: KeyMap;
  #active: Record<KeyPurpose, string>;
  readonly #path: string | undefined;
  #stamp: FileStamp | undefined;
  #lastMissReload = -Infinity;

  constructor(file: KeyringFile, options: { path?: string } = {}) {
    const parsed = parseKeyring(file);
    this.#keys = parsed.keys;
    this.#active = parsed.active;
    this.#path = options.path;
  }

  /** The active key id of a purpose (e.g. the kek new data keys are wrapped with). */
  activeKeyId(purpose: KeyPurpose): string {
    return this.#active[purpose];
  }

  /** Ids of all keys of a purpose present in the ring, active or not (rotation re-wraps the others). */
  keyIds(purpose: KeyPurpose): string[] {
    return [...this.#keys].filter(([, k]) => k.purpose === purpose).map(([id]) => id);
  }

  /**
   * Re-reads the key ring file if it changed (inode, size or times), so that a key made active by
   * "dossier keys rotate" is used from now on. Cheap (one stat) when nothing changed; a no-op for a
   * key ring not loaded from a file. Returns whether the ring was reloaded. Throws (keeping the keys
   * it has) if the file is unreadable or invalid.
   */
  refresh(): boolean {
    if (this.#path === undefined) return false;
    const stamp = stampOf(this.#path);
    if (this.#stamp && sameStamp(stamp, this.#stamp)) return false;
    this.#reload();
    return true;
  }

  #reload(): void {
    const path = this.#path!;
    // Stat before reading: if the file changes in between, the next refresh() sees a new stamp.
    const stamp = stampOf(path);
    const next = parseKeyring(JSON.parse(readFileSync(path, 'utf8')) as KeyringFile);
    // A key id never changes meaning: a file that reuses an id for other material is refused.
    for (const [id, k] of next.keys) {
      const old = this.#keys.get(id);
      if (old && (old.purpose !== k.purpose || !old.material.equals(k.material))) {
        throw new Error(`key ring: key ${id} changed in ${path}; refusing to reload`);
      }
    }
    this.#keys = next.keys;
    this.#active = next.active;
    this.#stamp = stamp;
  }

  /**
   * Wraps a document's data key with the active kek, bound to the blob id (the same string must be
   * given to unwrap). Result: version (1) | nonce (12) | ciphertext (32) | tag (16).
   */
  wrapDataKey(dataKey: Buffer, blobId: string): { kekId: string; wrapped: Buffer } {
    if (dataKey.length !== 32) throw new Error('data key: must be 256 bits');
    const kekId = this.#active.kek;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key(kekId, 'kek'), nonce);
    cipher.setAAD(wrapAad(kekId, blobId));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { kekId, wrapped: Buffer.concat([Buffer.from([WRAP_VERSION]), nonce, body, cipher.getAuthTag()]) };
  }

  /** Unwraps a data key; throws on an unknown kek id, another blob's id or any tampering. */
  unwrapDataKey(kekId: string, wrapped: Uint8Array, blobId: string): Buffer {
    const buf = Buffer.from(wrapped);
    if (buf.length !== WRAPPED_LENGTH || buf[0] !== WRAP_VERSION)
      throw new Error('data key: bad wrapped key');
    const decipher = createDecipheriv('aes-256-gcm', this.#key(kekId, 'kek'), buf.subarray(1, 13));
    decipher.setAAD(wrapAad(kekId, blobId));
    decipher.setAuthTag(buf.subarray(WRAPPED_LENGTH - 16));
    try {
      return Buffer.concat([decipher.update(buf.subarray(13, WRAPPED_LENGTH - 16)), decipher.final()]);
    } catch {
      throw new Error('data key: unwrap failed');
    }
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
    let k = this.#keys.get(id);
    if (!k && this.#path !== undefined && Date.now() - this.#lastMissReload >= MISS_RELOAD_INTERVAL_MS) {
      // Possibly a key added by a rotation since this ring was loaded.
      this.#lastMissReload = Date.now();
      this.#reload();
      k = this.#keys.get(id);
    }
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

/**
 * Loads the key ring from inline base64 JSON or from the file. One loaded from the file follows it
 * (see Keyring.refresh); an inline one never reloads.
 */
export function loadKeyring(source: { inline?: string | undefined; file: string }): Keyring {
  if (source.inline) {
    return new Keyring(JSON.parse(Buffer.from(source.inline, 'base64').toString('utf8')) as KeyringFile);
  }
  const ring = new Keyring(JSON.parse(readFileSync(source.file, 'utf8')) as KeyringFile, {
    path: source.file,
  });
  ring.refresh(); // records the file's stamp (a cheap re-read), so later refreshes only act on changes
  return ring;
}

/** Replaces a key ring file atomically and durably: temp file 0600, fsync, rename, fsync directory. */
function replaceKeyringFile(path: string, ring: KeyringFile): void {
  parseKeyring(ring); // never write a key ring that would not load
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(ring, null, 2));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Adds a fresh key for `purpose` to a key ring file and makes it active; the previous key stays, so
 * everything it protects still opens. Running servers pick the file up (Keyring.refresh / on a miss).
 * Not safe against two concurrent rotations of the same file (the CLI runs one at a time).
 */
export function rotateKeyringFile(
  path: string,
  purpose: KeyPurpose,
  now = new Date(),
): { newKeyId: string; previousKeyId: string } {
  if (!PURPOSES.includes(purpose)) throw new Error(`key ring: unknown purpose ${purpose}`);
  const ring = JSON.parse(readFileSync(path, 'utf8')) as KeyringFile;
  parseKeyring(ring);
  const previousKeyId = ring.active[purpose];
  const key = newKey(purpose, now);
  ring.keys.push(key);
  ring.active[purpose] = key.id;
  replaceKeyringFile(path, ring);
  return { newKeyId: key.id, previousKeyId };
}

/**
 * Removes a key that is not active for any purpose from a key ring file. The caller must first make
 * sure nothing still uses it (data re-encrypted or re-wrapped): whatever it protects becomes unreadable.
 */
export function retireKeyFromKeyringFile(path: string, keyId: string): void {
  const ring = JSON.parse(readFileSync(path, 'utf8')) as KeyringFile;
  parseKeyring(ring);
  if (!ring.keys.some((k) => k.id === keyId)) throw new Error(`key ring: no key ${keyId}`);
  if (Object.values(ring.active).includes(keyId)) throw new Error(`key ring: key ${keyId} is active`);
  ring.keys = ring.keys.filter((k) => k.id !== keyId);
  replaceKeyringFile(path, ring);
}
