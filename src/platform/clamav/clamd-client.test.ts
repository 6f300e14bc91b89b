/**
 * The clamd client against the real daemon (scripts/clamd-offline.sh), over TCP and the unix socket,
 * plus fake servers for the failure modes: nothing listening, silence, garbage, early replies.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { createPki } from '../crypto/pki.ts';
import { ClamdClient, parseScanReply, ScannerUnavailableError, type ClamdSettings } from './clamd-client.ts';
import {
  eicar,
  requireClamd,
  testClamdSamplesDir,
  testClamdSettings,
  testClamdSocketSettings,
} from './test-clamd.ts';

async function reachable(s: ClamdSettings | null): Promise<boolean> {
  if (!s) return false;
  try {
    await new ClamdClient(s).ping();
    return true;
  } catch {
    return false;
  }
}

const tcp = testClamdSettings();
const unix = testClamdSocketSettings();
const tcpUp = await reachable(tcp);
const unixUp = await reachable(unix);
if (!tcpUp && requireClamd()) throw new Error('DOSSIER_TEST_REQUIRE_CLAMD=1 but clamd is not reachable');
const skipTcp =
  !tcpUp && 'clamd not reachable at DOSSIER_TEST_CLAMD (start it: scripts/clamd-offline.sh start)';
if (!unixUp && requireClamd() && unix)
  throw new Error('DOSSIER_TEST_REQUIRE_CLAMD=1 but the clamd socket is not reachable');
const skipUnix = !unixUp && 'clamd unix socket not reachable (DOSSIER_TEST_CLAMD_SOCKET)';

/** Writes the buffer in pieces, honouring backpressure, then ends the input. */
async function scan(client: ClamdClient, data: Buffer, piece = 8192) {
  const session = client.startScan();
  for (let off = 0; off < data.length; off += piece) {
    if (!session.input.write(data.subarray(off, off + piece))) await once(session.input, 'drain');
  }
  session.input.end();
  return session.verdict;
}

/** A minimal one-entry stored zip (local header, central directory, end record). */
function storedZip(name: string, data: Buffer): Buffer {
  const n = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const cdOffset = local.length + n.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + n.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, n, data, central, n, eocd]);
}

/** A local TCP server with the given connection behaviour; returns its port. */
async function fakeServer(onConnection: (s: net.Socket) => void): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onConnection(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

const quick = { host: '127.0.0.1', connectTimeoutMs: 1000, idleTimeoutMs: 5000, scanTimeoutMs: 5000 };

for (const [label, settings, skip] of [
  ['tcp', tcp, skipTcp],
  ['unix socket', unix, skipUnix],
] as const) {
  describe(`clamd client over ${label}`, { skip }, () => {
    const client = new ClamdClient(settings!);

    it('answers ping and version', async () => {
      await client.ping();
      assert.match(await client.version(), /^ClamAV \d/);
    });

    it('finds clean text clean', async () => {
      assert.deepEqual(await scan(client, Buffer.from('just a clean file\n')), { status: 'clean' });
    });

    it('finds the EICAR file, with its signature name', async () => {
      const v = await scan(client, eicar());
      assert.equal(v.status, 'infected');
      assert.ok(
        v.status === 'infected' && /^Test\.EICAR\.(HDB|NDB)(\.UNOFFICIAL)?$/.test(v.signature),
        JSON.stringify(v),
      );
    });

    it('finds EICAR embedded in a text file, even written one byte at a time', async () => {
      const data = Buffer.concat([Buffer.from('harmless prefix '), eicar(), Buffer.from('\n')]);
      assert.equal((await scan(client, data)).status, 'infected');
      assert.equal((await scan(client, data, 1)).status, 'infected');
    });

    it('finds EICAR inside a zip', async () => {
      const v = await scan(client, storedZip('docs/readme.txt', eicar()));
      assert.equal(v.status, 'infected');
    });

    it('finds 5 MB of random data in many chunks clean', async () => {
      assert.deepEqual(await scan(client, randomBytes(5 * 1024 * 1024), 50_000), { status: 'clean' });
    });
  });
}

describe('clamd client, the daemon samples', { skip: skipTcp }, () => {
  it('agrees with the sample files written by clamd-offline.sh', async (t) => {
    const samples = testClamdSamplesDir();
    let clean: Buffer;
    try {
      clean = readFileSync(join(samples ?? '', 'clean.txt'));
    } catch (err) {
      if (requireClamd()) throw err;
      t.skip('no sample files');
      return;
    }
    const client = new ClamdClient(tcp!);
    assert.equal((await scan(client, clean)).status, 'clean');
    assert.equal((await scan(client, readFileSync(join(samples!, 'eicar-embedded.txt')))).status, 'infected');
  });

  it('rejects with size_limit when the stream exceeds the daemon limit, without crashing the writer', async () => {
    // The sample daemon allows about 1 GB; a fake server plays the daemon's early reply instead.
    const server = await fakeServer((s) => {
      s.once('data', () => s.end('INSTREAM size limit exceeded. ERROR\0'));
    });
    try {
      const session = new ClamdClient({ ...quick, port: server.port }).startScan();
      let errors = 0;
      session.input.on('error', () => errors++);
      const writer = (async () => {
        for (let i = 0; i < 200; i++) {
          if (!session.input.write(randomBytes(64 * 1024))) await once(session.input, 'drain');
        }
        session.input.end();
      })();
      await assert.rejects(
        session.verdict,
        (e: unknown) => e instanceof ScannerUnavailableError && e.reason === 'size_limit',
      );
      await writer; // keeps accepting (and discarding) writes after the reply
      assert.equal(errors, 0);
    } finally {
      server.close();
    }
  });
});

describe('clamd client over TLS (a terminating proxy in front of the daemon)', { skip: skipTcp }, () => {
  it('scans through verified TLS, and refuses unverifiable servers', async () => {
    const pki = await createPki(join(mkdtempSync(join(tmpdir(), 'dossier-clamd-')), 'pki'));
    const other = await createPki(join(mkdtempSync(join(tmpdir(), 'dossier-clamd-')), 'pki'));
    const proxy = tls.createServer(
      { cert: readFileSync(pki.internalCert, 'utf8'), key: readFileSync(pki.internalKey, 'utf8') },
      (client) => {
        const upstream = net.connect(tcp!.port!, tcp!.host!);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
      },
    );
    proxy.on('tlsClientError', () => {});
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const port = (proxy.address() as net.AddressInfo).port;
    try {
      const ca = readFileSync(pki.caCert, 'utf8');
      const client = new ClamdClient({ ...quick, port, tls: { ca, servername: 'localhost' } });
      await client.ping();
      assert.equal((await scan(client, eicar())).status, 'infected');
      assert.deepEqual(await scan(client, Buffer.from('clean\n')), { status: 'clean' });
      // An unknown CA, a wrong name, or no CA at all (system roots): never a verdict.
      for (const t of [{ ca: readFileSync(other.caCert, 'utf8') }, { ca, servername: 'clamd.example' }, {}]) {
        const c = new ClamdClient({ ...quick, port, tls: t });
        await assert.rejects(
          c.ping(),
          (e: unknown) => e instanceof ScannerUnavailableError && e.reason === 'error',
        );
      }
    } finally {
      proxy.close();
    }
  });
});

describe('clamd client failure modes (fail closed)', () => {
  it('reports unreachable when nothing listens', async () => {
    const server = await fakeServer(() => {});
    const port = server.port;
    server.close();
    const session = new ClamdClient({ ...quick, port }).startScan();
    session.input.end(Buffer.from('x'));
    await assert.rejects(
      session.verdict,
      (e: unknown) => e instanceof ScannerUnavailableError && e.reason === 'unreachable',
    );
    await assert.rejects(new ClamdClient({ ...quick, port }).ping(), { reason: 'unreachable' });
  });

  it('reports unreachable for a missing unix socket', async () => {
    const client = new ClamdClient({ ...quick, host: undefined, socket: '/nonexistent/clamd.sock' });
    await assert.rejects(client.ping(), { reason: 'unreachable' });
  });

  it('times out against a server that accepts and never answers, within scanTimeoutMs', async () => {
    const server = await fakeServer((s) => s.resume());
    try {
      const client = new ClamdClient({
        ...quick,
        port: server.port,
        idleTimeoutMs: 60_000,
        scanTimeoutMs: 300,
      });
      const started = Date.now();
      const session = client.startScan();
      session.input.end(Buffer.from('hello'));
      await assert.rejects(session.verdict, { reason: 'timeout' });
      assert.ok(Date.now() - started < 3000, 'gave up in time');
    } finally {
      server.close();
    }
  });

  it('times out on an idle connection', async () => {
    const server = await fakeServer((s) => s.resume());
    try {
      const client = new ClamdClient({
        ...quick,
        port: server.port,
        idleTimeoutMs: 200,
        scanTimeoutMs: 60_000,
      });
      await assert.rejects(client.ping(), { reason: 'timeout' });
    } finally {
      server.close();
    }
  });

  it('reports protocol for garbage, an empty reply or an unterminated one', async () => {
    for (const answer of ['HTTP/1.1 400 Bad Request\r\n\r\n\0', '', 'stream: OK']) {
      const server = await fakeServer((s) => s.once('data', () => s.end(answer)));
      try {
        const session = new ClamdClient({ ...quick, port: server.port }).startScan();
        session.input.end(Buffer.from('hello'));
        await assert.rejects(session.verdict, { reason: 'protocol' }, JSON.stringify(answer));
      } finally {
        server.close();
      }
    }
  });

  it('applies backpressure while the daemon does not read', async () => {
    const server = await fakeServer((s) => s.pause());
    try {
      const session = new ClamdClient({ ...quick, port: server.port }).startScan();
      let congested = false;
      for (let i = 0; i < 1000 && !congested; i++) congested = !session.input.write(Buffer.alloc(64 * 1024));
      assert.ok(congested, 'write() returned false before 64 MB were queued');
      const drained = once(session.input, 'drain'); // the pending write is released, not left hanging
      session.abort();
      await assert.rejects(session.verdict, { reason: 'error' });
      await drained;
    } finally {
      server.close();
    }
  });

  it('rejects when aborted, and the input stays quiet', async () => {
    const server = await fakeServer((s) => s.resume());
    try {
      const session = new ClamdClient({ ...quick, port: server.port }).startScan();
      session.input.write(Buffer.from('partial'));
      session.abort();
      await assert.rejects(session.verdict, { reason: 'error' });
      session.input.write(Buffer.from('more'));
      session.input.end();
      await once(session.input, 'finish');
    } finally {
      server.close();
    }
  });

  it('parses replies strictly', () => {
    assert.deepEqual(parseScanReply('stream: OK'), { status: 'clean' });
    assert.deepEqual(parseScanReply('stream: Win.Test.EICAR_HDB-1 FOUND'), {
      status: 'infected',
      signature: 'Win.Test.EICAR_HDB-1',
    });
    assert.throws(() => parseScanReply('INSTREAM size limit exceeded. ERROR'), { reason: 'size_limit' });
    assert.throws(() => parseScanReply("stream: Can't allocate memory ERROR"), { reason: 'error' });
    assert.throws(() => parseScanReply('stream:  FOUND'), { reason: 'protocol' });
    assert.throws(() => parseScanReply('OK'), { reason: 'protocol' });
  });

  it('refuses ambiguous settings', () => {
    assert.throws(() => new ClamdClient({ connectTimeoutMs: 1, idleTimeoutMs: 1, scanTimeoutMs: 1 }));
    assert.throws(() => new ClamdClient({ ...quick, port: 3310, socket: '/tmp/x' }));
    assert.throws(() => new ClamdClient({ ...quick, port: 3310, scanTimeoutMs: 0 }));
  });
});
