import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
// pki.ts first: it installs the Reflect metadata polyfill that @peculiar/x509 needs when it loads.
import {
  createPki,
  EKU_CLIENT_AUTH,
  EKU_SERVER_AUTH,
  issueCertificate,
  LINK_CLIENT_CN,
  PKI_FILE_NAMES,
  type PkiFiles,
} from './pki.ts';
import * as x509 from '@peculiar/x509';

const DAY = 86_400_000;
const cert = (path: string) => new X509Certificate(readFileSync(path));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('private PKI', () => {
  let root: string;
  let pki: PkiFiles;
  let other: PkiFiles;
  const now = new Date('2026-03-01T12:00:00Z');

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dossier-pki-'));
    pki = await createPki(join(root, 'a', 'pki'), {
      hosts: ['dossier.example.com', '10.1.2.3', 'fd00::5', '0.0.0.0', '::', '127.0.0.1', 'LOCALHOST'],
      now,
    });
    other = await createPki(join(root, 'b'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes exactly the eight files, keys 0600 in a 0700 directory', () => {
    assert.deepEqual(readdirSync(pki.dir).sort(), Object.values(PKI_FILE_NAMES).sort());
    assert.equal(mode(pki.dir), 0o700);
    for (const key of [pki.caKey, pki.internalKey, pki.portalKey, pki.portalLinkKey]) {
      assert.equal(mode(key), 0o600, key);
      const pem = readFileSync(key, 'utf8');
      assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/, 'PKCS#8 PEM');
      const k = createPrivateKey(pem);
      assert.equal(k.asymmetricKeyType, 'ec');
      assert.equal(k.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    }
    for (const crt of [pki.caCert, pki.internalCert, pki.portalCert, pki.portalLinkCert])
      assert.equal(mode(crt), 0o644);
  });

  it('makes a CA that may sign certificates only, valid ten years', () => {
    const ca = cert(pki.caCert);
    assert.equal(ca.ca, true);
    assert.equal(ca.checkIssued(ca), true);
    assert.equal(ca.verify(ca.publicKey), true);
    assert.match(ca.subject, /^CN=Dossier private CA [0-9a-f]{8}$/m);
    const parsed = new x509.X509Certificate(readFileSync(pki.caCert, 'utf8'));
    const bc = parsed.getExtension(x509.BasicConstraintsExtension)!;
    assert.deepEqual([bc.ca, bc.pathLength, bc.critical], [true, 0, true]);
    const ku = parsed.getExtension(x509.KeyUsagesExtension)!;
    assert.equal(ku.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    assert.equal(ku.critical, true);
    const sig = parsed.signatureAlgorithm as unknown as { name: string; hash: { name: string } };
    assert.deepEqual([sig.name, sig.hash.name], ['ECDSA', 'SHA-256']);
    const years = (ca.validToDate.getTime() - now.getTime()) / (365.25 * DAY);
    assert.ok(years > 9.9 && years < 10.1, String(years));
    assert.equal(ca.validFromDate.getTime(), now.getTime() - 5 * 60_000);
  });

  it('signs each leaf with the CA, its own key, and ~2 years of validity', () => {
    const ca = cert(pki.caCert);
    const pairs = [
      [pki.internalCert, pki.internalKey],
      [pki.portalCert, pki.portalKey],
      [pki.portalLinkCert, pki.portalLinkKey],
    ] as const;
    for (const [crtPath, keyPath] of pairs) {
      const leaf = cert(crtPath);
      assert.equal(leaf.ca, false);
      const parsed = new x509.X509Certificate(readFileSync(crtPath, 'utf8'));
      assert.equal(parsed.getExtension(x509.KeyUsagesExtension)?.usages, x509.KeyUsageFlags.digitalSignature);
      assert.equal(parsed.getExtension(x509.BasicConstraintsExtension)?.ca, false);
      assert.equal(leaf.checkIssued(ca), true);
      assert.equal(leaf.verify(ca.publicKey), true);
      assert.equal(leaf.verify(cert(other.caCert).publicKey), false, 'another CA must not verify it');
      assert.equal(leaf.checkPrivateKey(createPrivateKey(readFileSync(keyPath))), true);
      const days = (leaf.validToDate.getTime() - now.getTime()) / DAY;
      assert.ok(days > 700 && days < 740, String(days));
    }
  });

  it('gives server certificates serverAuth only and the expected names', () => {
    for (const path of [pki.internalCert, pki.portalCert]) {
      const c = cert(path);
      // Node's X509Certificate.keyUsage lists the EXTENDED key usages.
      assert.deepEqual(c.keyUsage, [EKU_SERVER_AUTH]);
      assert.equal(
        c.subjectAltName,
        'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:dossier.example.com, IP Address:10.1.2.3, IP Address:FD00:0:0:0:0:0:0:5',
      );
      assert.equal(c.checkHost('dossier.example.com'), 'dossier.example.com');
      assert.equal(c.checkIP('10.1.2.3'), '10.1.2.3');
      assert.equal(c.checkHost('evil.example.com'), undefined);
    }
    assert.match(cert(pki.internalCert).subject, /^CN=dossier-internal$/m);
    assert.match(cert(pki.portalCert).subject, /^CN=dossier-portal$/m);
  });

  it('gives the portal-link certificate clientAuth only, its fixed name, and no server names', () => {
    const c = cert(pki.portalLinkCert);
    assert.deepEqual(c.keyUsage, [EKU_CLIENT_AUTH]);
    assert.match(c.subject, new RegExp(`^CN=${LINK_CLIENT_CN}$`, 'm'));
    assert.equal(c.subjectAltName, undefined);
  });

  it('uses random serial numbers and unrelated CAs', () => {
    const serials = [pki, other].flatMap((p) =>
      [p.caCert, p.internalCert, p.portalCert, p.portalLinkCert].map((f) => cert(f).serialNumber),
    );
    assert.equal(new Set(serials).size, serials.length);
    for (const s of serials) assert.ok(s.length >= 30, s);
    assert.notEqual(cert(pki.caCert).subject, cert(other.caCert).subject);
    assert.notEqual(
      createPublicKey(readFileSync(pki.caKey)).export({ format: 'der', type: 'spki' }).toString('hex'),
      createPublicKey(readFileSync(other.caKey)).export({ format: 'der', type: 'spki' }).toString('hex'),
    );
  });

  it('refuses to overwrite anything, and writes nothing when one file already exists', async () => {
    const before = readFileSync(pki.caKey, 'utf8');
    await assert.rejects(createPki(pki.dir), /refusing to overwrite/);
    assert.equal(readFileSync(pki.caKey, 'utf8'), before);

    const dir = join(root, 'partial');
    mkdirSync(dir);
    writeFileSync(join(dir, 'portal.key'), 'operator-provided');
    await assert.rejects(createPki(dir), /portal\.key/);
    assert.deepEqual(readdirSync(dir), ['portal.key']);
    assert.equal(readFileSync(join(dir, 'portal.key'), 'utf8'), 'operator-provided');
  });

  it('rejects a host that is neither a DNS name nor an IP address', async () => {
    const dir = join(root, 'badhost');
    await assert.rejects(createPki(dir, { hosts: ['bad host,CN=evil'] }), /not a DNS name or IP address/);
    assert.equal(existsSync(join(dir, 'ca.key')), false);
  });

  it('issues further certificates from an existing CA, with a checked name', async () => {
    const caPem = { cert: readFileSync(pki.caCert, 'utf8'), key: readFileSync(pki.caKey, 'utf8') };
    const client = await issueCertificate(caPem, { cn: 'dossier-stranger', usage: 'client' });
    const c = new X509Certificate(client.cert);
    assert.equal(c.verify(cert(pki.caCert).publicKey), true);
    assert.deepEqual(c.keyUsage, [EKU_CLIENT_AUTH]);
    assert.ok(c.validToDate <= cert(pki.caCert).validToDate, 'never outlives its CA');
    await assert.rejects(
      issueCertificate(caPem, { cn: 'x,O=Evil', usage: 'client' }),
      /unsupported certificate name/,
    );
  });
});
