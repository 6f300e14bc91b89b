/**
 * The private certificate authority that `dossier init` creates. One CA signs three leaf
 * certificates: the internal server (HTTPS and link listener), the portal's public HTTPS server,
 * and the portal's link CLIENT certificate. ECDSA P-256 with SHA-256 throughout.
 *
 * Keys are written once: the files are created atomically and never overwritten, so running init
 * twice cannot silently replace a CA the portal already trusts.
 */
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { link, lstat, open, unlink } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect
// metadata API installed first; ES modules evaluate in import order, so this line must stay above.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Subject CN of the portal's link client certificate; the link listener accepts only this name. */
export const LINK_CLIENT_CN = 'dossier-portal-link';
/** Extended key usage OIDs (RFC 5280 4.2.1.12). */
export const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** File names inside the PKI directory; the configuration defaults point at `<dataDir>/pki/<name>`. */
export const PKI_FILE_NAMES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  internalCert: 'internal.crt',
  internalKey: 'internal.key',
  portalCert: 'portal.crt',
  portalKey: 'portal.key',
  portalLinkCert: 'portal-link.crt',
  portalLinkKey: 'portal-link.key',
} as const;

/** Absolute paths of the files createPki wrote. */
export type PkiFiles = { dir: string } & { [K in keyof typeof PKI_FILE_NAMES]: string };

export interface CreatePkiOptions {
  /** Extra server names (DNS names or IP addresses) for the internal and portal certificates. */
  hosts?: string[];
  /** Issue time (tests); defaults to now. */
  now?: Date;
}

const ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};
const DAY = 24 * 60 * 60 * 1000;
/** Backdated so a peer whose clock is a little behind still accepts a fresh certificate. */
const CLOCK_SKEW = 5 * 60 * 1000;
const CA_DAYS = 3652;
const LEAF_DAYS = 730;
const DNS_NAME = /^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)*(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/**
 * Creates a new private CA and the three leaf certificates in `dir` (created, mode 0700).
 * Refuses (before writing anything) if any of the files already exists. Calling it into another
 * directory yields an unrelated CA, which is what negative tests use.
 */
export async function createPki(dir: string, opts: CreatePkiOptions = {}): Promise<PkiFiles> {
  const files = Object.fromEntries(
    Object.entries(PKI_FILE_NAMES).map(([k, name]) => [k, join(dir, name)]),
  ) as Omit<PkiFiles, 'dir'>;
  const sanNames = serverNames(opts.hosts ?? []);

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The directory holds private keys; tighten it even if it already existed.
  chmodSync(dir, 0o700);
  const existing = [];
  for (const path of Object.values(files)) if (await exists(path)) existing.push(path);
  if (existing.length) throw new Error(`refusing to overwrite existing PKI files: ${existing.join(', ')}`);

  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - CLOCK_SKEW);
  const leafNotAfter = new Date(now.getTime() + LEAF_DAYS * DAY);

  const caKeys = await generateKeys();
  // A random tag in the CA name: two installations never share an issuer name, so a certificate
  // from one is never even a chain-building candidate for the other.
  const caName = `CN=Dossier private CA ${randomBytes(4).toString('hex')},O=Dossier`;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: caName,
    keys: caKeys,
    notBefore,
    notAfter: new Date(now.getTime() + CA_DAYS * DAY),
    signingAlgorithm: ALG,
    extensions: [
      // pathLength 0: the CA signs leaves only, never an intermediate.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const signer: Issuer = { cert: ca, key: caKeys.privateKey };
  const leafOpts = { notBefore, notAfter: leafNotAfter };
  const internal = await issueLeaf(signer, {
    cn: 'dossier-internal',
    usage: 'server',
    san: sanNames,
    ...leafOpts,
  });
  const portal = await issueLeaf(signer, {
    cn: 'dossier-portal',
    usage: 'server',
    san: sanNames,
    ...leafOpts,
  });
  const portalLink = await issueLeaf(signer, { cn: LINK_CLIENT_CN, usage: 'client', san: null, ...leafOpts });

  const written: string[] = [];
  try {
    const write = async (path: string, data: string, mode: number) => {
      await writeNewFileAtomic(path, data, mode);
      written.push(path);
    };
    await write(files.caCert, ca.toString('pem'), 0o644);
    await write(files.caKey, privateKeyPem(caKeys.privateKey), 0o600);
    await write(files.internalCert, internal.cert, 0o644);
    await write(files.internalKey, internal.key, 0o600);
    await write(files.portalCert, portal.cert, 0o644);
    await write(files.portalKey, portal.key, 0o600);
    await write(files.portalLinkCert, portalLink.cert, 0o644);
    await write(files.portalLinkKey, portalLink.key, 0o600);
  } catch (err) {
    // Half a PKI (say a new CA next to an old leaf) is worse than none: undo what this call wrote.
    await Promise.all(written.map((p) => unlink(p).catch(() => undefined)));
    throw err;
  }
  return { dir, ...files };
}

export interface IssueCertificateOptions {
  /** Subject common name. */
  cn: string;
  /** 'server': EKU serverAuth with the SANs below; 'client': EKU clientAuth only, no SANs. */
  usage: 'server' | 'client';
  /** Extra server names (with 'server'; localhost and the loopback addresses are always included). */
  hosts?: string[];
  now?: Date;
}

/**
 * Issues one more leaf certificate from an existing CA (PEM certificate and PKCS#8 key), e.g. to
 * renew a server certificate or, in tests, to make a certificate the link must still refuse.
 * Returns PEM; writing it anywhere is the caller's business.
 */
export async function issueCertificate(
  ca: { cert: string; key: string },
  opts: IssueCertificateOptions,
): Promise<{ cert: string; key: string }> {
  const caCert = new x509.X509Certificate(ca.cert);
  const der = x509.PemConverter.decodeFirst(ca.key);
  const caKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
  const now = opts.now ?? new Date();
  return issueLeaf(
    { cert: caCert, key: caKey },
    {
      cn: opts.cn,
      usage: opts.usage,
      san: opts.usage === 'server' ? serverNames(opts.hosts ?? []) : null,
      notBefore: new Date(now.getTime() - CLOCK_SKEW),
      notAfter: new Date(Math.min(now.getTime() + LEAF_DAYS * DAY, caCert.notAfter.getTime())),
    },
  );
}

interface Issuer {
  cert: x509.X509Certificate;
  key: webcrypto.CryptoKey;
}

async function issueLeaf(
  issuer: Issuer,
  o: {
    cn: string;
    usage: 'server' | 'client';
    san: x509.JsonGeneralName[] | null;
    notBefore: Date;
    notAfter: Date;
  },
): Promise<{ cert: string; key: string }> {
  // The name is spliced into a DN string: no separators or escapes may reach it.
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(o.cn))
    throw new Error(`unsupported certificate name: "${o.cn}"`);
  const keys = await generateKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    // One purpose per certificate: a server certificate can never act as the link client.
    new x509.ExtendedKeyUsageExtension([o.usage === 'server' ? EKU_SERVER_AUTH : EKU_CLIENT_AUTH], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey),
  ];
  if (o.san) extensions.push(new x509.SubjectAlternativeNameExtension(o.san, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${o.cn},O=Dossier`,
    issuer: issuer.cert.subject,
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    signingAlgorithm: ALG,
    extensions,
  });
  return { cert: cert.toString('pem'), key: privateKeyPem(keys.privateKey) };
}

function serverNames(extra: string[]): x509.JsonGeneralName[] {
  const names: x509.JsonGeneralName[] = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ];
  for (const raw of extra) {
    const host = raw.trim();
    // Wildcard bind addresses (from a `host` setting) name no server; they have no place in a SAN.
    if (host === '0.0.0.0' || host === '::') continue;
    const type = isIP(host) ? 'ip' : 'dns';
    if (type === 'dns' && !DNS_NAME.test(host)) throw new Error(`not a DNS name or IP address: "${raw}"`);
    const value = type === 'dns' ? host.toLowerCase() : host;
    if (!names.some((n) => n.type === type && n.value === value)) names.push({ type, value });
  }
  return names;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** 127 random bits, positive (RFC 5280 asks for at most 20 octets and a positive integer). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Writes to a temporary file with the final mode from the start (a key is never readable by
 * others, not even briefly), flushes it, then hard-links it into place: link() fails with EEXIST
 * instead of replacing, so the final name appears complete or not at all, and never clobbers.
 */
async function writeNewFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', mode);
  try {
    // open() applies the umask; set the mode exactly (a restrictive umask must not hide the CA cert).
    await fh.chmod(mode);
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
  } finally {
    await unlink(tmp);
  }
}
