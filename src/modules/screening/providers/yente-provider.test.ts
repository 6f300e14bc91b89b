import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPki } from '../../../platform/crypto/pki.ts';
import { AppError } from '../../../platform/errors.ts';
import { TLS_SERVER_OPTIONS } from '../../../platform/tls.ts';
import { YenteScreeningProvider } from './yente-provider.ts';

/** A local server speaking the vendor protocol (yente's POST /match/{dataset}). */
describe('vendor screening provider (yente protocol) against a local HTTPS server', () => {
  let root: string;
  let ca: string;
  let otherCa: string;
  let server: Server;
  let origin: string;
  const seen: { url: string; auth: string | undefined; body: unknown }[] = [];
  let answer: (body: { queries: { q: { properties: { name: string[] } } } }) => unknown = () => ({});
  let delayMs = 0;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dossier-vendor-'));
    const pki = await createPki(join(root, 'pki'));
    const other = await createPki(join(root, 'other'));
    ca = readFileSync(pki.caCert, 'utf8');
    otherCa = readFileSync(other.caCert, 'utf8');
    server = createServer(
      { cert: readFileSync(pki.internalCert), key: readFileSync(pki.internalKey), ...TLS_SERVER_OPTIONS },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Parameters<typeof answer>[0];
          seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
          setTimeout(() => {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(answer(body)));
          }, delayMs);
        });
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `https://localhost:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    rmSync(root, { recursive: true, force: true });
  });

  const provider = (over: Partial<ConstructorParameters<typeof YenteScreeningProvider>[0]> = {}) =>
    new YenteScreeningProvider({
      url: `${origin}/api`,
      dataset: 'sanctions',
      apiKey: 'k-123',
      ca,
      timeoutMs: 2000,
      ...over,
    });
  const opts = { threshold: 0.7, limit: 5, lists: null };

  it('sends the query in the protocol and maps scored results to matches', async () => {
    answer = (body) => ({
      responses: {
        q: {
          status: 200,
          results: [
            {
              id: 'NK-1',
              caption: body.queries.q.properties.name[0],
              schema: 'Person',
              score: 0.97,
              match: true,
              properties: { name: ['X'] },
              features: { name_literal_match: 0.95 },
            },
            { id: 'NK-2', caption: 'Someone Else', schema: 'Person', score: 0.5, match: false },
          ],
        },
      },
    });
    const r = await provider().screen(
      { db: null as never },
      { name: 'Ivan Petrov', birthDate: '1970', nationality: 'RU', schema: 'Person' },
      opts,
    );
    const last = seen.at(-1)!;
    assert.match(last.url, /^\/api\/match\/sanctions\?threshold=0\.7&limit=5$/);
    assert.equal(last.auth, 'ApiKey k-123');
    assert.deepEqual(last.body, {
      queries: {
        q: {
          schema: 'Person',
          properties: { name: ['Ivan Petrov'], birthDate: ['1970'], nationality: ['ru'] },
        },
      },
    });
    assert.equal(r.matches.length, 1, 'below the threshold is dropped');
    assert.equal(r.matches[0]!.entityId, 'vendor:NK-1');
    assert.equal(r.matches[0]!.score, 0.97);
    assert.match(r.matches[0]!.entityHash, /^[0-9a-f]{64}$/);
  });

  it('fails closed with a clear error: untrusted certificate, garbage, timeout, http only', async () => {
    const expectUnavailable = async (p: YenteScreeningProvider) =>
      assert.rejects(
        p.screen({ db: null as never }, { name: 'x' }, opts),
        (e: unknown) => e instanceof AppError && e.code === 'unavailable',
      );
    await expectUnavailable(provider({ ca: otherCa }));
    answer = () => ({ responses: { q: { results: [{ id: 1 }] } } });
    await expectUnavailable(provider());
    answer = () => ({ responses: { q: { results: [] } } });
    delayMs = 500;
    await expectUnavailable(provider({ timeoutMs: 100 }));
    delayMs = 0;
    assert.throws(() => provider({ url: origin.replace('https', 'http') }), /https/);
  });
});
