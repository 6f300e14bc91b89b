import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { createHttpApp, type App } from '../servers/shared/create-http-app.ts';
import { createPki } from './crypto/pki.ts';

/** Resolves with the negotiated protocol and cipher, or rejects with the handshake error. */
function handshake(port: number, ca: string, opts: { maxVersion?: 'TLSv1.2' | 'TLSv1.3'; ciphers?: string }) {
  return new Promise<{ protocol: string | null; cipher: string }>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...opts }, () => {
      const r = { protocol: s.getProtocol(), cipher: s.getCipher().name };
      s.end();
      resolve(r);
    });
    s.on('error', reject);
  });
}

describe('TLS settings of the servers', () => {
  let app: App;
  let port: number;
  let ca: string;
  before(async () => {
    const pki = await createPki(join(mkdtempSync(join(tmpdir(), 'dossier-tls-')), 'pki'), {});
    ca = readFileSync(pki.caCert, 'utf8');
    app = await createHttpApp({
      logger: false,
      trustProxy: false,
      https: { cert: readFileSync(pki.internalCert, 'utf8'), key: readFileSync(pki.internalKey, 'utf8') },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  after(() => app.close());

  it('negotiates TLS 1.3 by default and an AEAD suite on TLS 1.2', async () => {
    assert.equal((await handshake(port, ca, {})).protocol, 'TLSv1.3');
    const tls12 = await handshake(port, ca, { maxVersion: 'TLSv1.2' });
    assert.equal(tls12.protocol, 'TLSv1.2');
    assert.match(tls12.cipher, /GCM|CHACHA20/);
  });

  it('refuses TLS 1.2 clients that offer only CBC or non-forward-secret suites', async () => {
    for (const ciphers of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384', 'AES128-GCM-SHA256']) {
      await assert.rejects(
        handshake(port, ca, { maxVersion: 'TLSv1.2', ciphers }),
        /handshake failure|no shared cipher|alert/i,
        ciphers,
      );
    }
  });
});
