import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { browser, controlClock, createStaff, signInWithTotp } from '../../../../test/support/auth.ts';
import { hashRow } from '../../../modules/audit/index.ts';
import { addTrustedNetwork } from '../../../modules/trusted-networks/index.ts';

for (const backend of backends) {
  describe(`audit search by time and export [${backend.kind}]`, () => {
    let t: TestApp;
    const routes: RouteOptions[] = [];
    before(async () => {
      t = await startTestApp(backend, { onRoute: (r) => routes.push(r) });
    });
    after(() => t.close());

    const exports = async () =>
      t.database.db
        .selectFrom('audit_events')
        .select(['payload', 'actor'])
        .where('type', '=', 'audit.exported')
        .orderBy('seq')
        .execute();

    it('401 without credentials, 403 without audit:export (audit:read is not enough)', async () => {
      const token = await t.tokenWith(['audit:read']);
      assert.equal(
        (await t.call('POST', '/api/v1/audit-exports', { token: null, body: {} })).statusCode,
        401,
      );
      assert.equal((await t.call('POST', '/api/v1/audit-exports', { token, body: {} })).statusCode, 403);
      assert.equal((await exports()).length, 0);
    });

    it('declares audit:export with step-up', () => {
      const r = routes.find((x) => x.url === '/api/v1/audit-exports')!;
      assert.equal(r.config?.access, 'audit:export');
      assert.equal(r.config?.stepUp, true);
    });

    it('the search filters by time range', async () => {
      const net = await addTrustedNetwork(t.ctx, { cidr: '203.0.113.0/24', label: 'range test' });
      const all = await t.call('GET', `/api/v1/audit-events?targetId=${net.id}`);
      assert.equal(all.statusCode, 200);
      const [event] = all.json().items;
      assert.equal(event.type, 'trusted_network.added');
      const at = new Date(event.occurredAt).getTime();
      const q = (from: number, to: number) =>
        t.call(
          'GET',
          `/api/v1/audit-events?targetId=${net.id}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
        );
      assert.equal((await q(at, at + 1)).json().items.length, 1, 'from is inclusive');
      assert.equal((await q(at - 1000, at)).json().items.length, 0, 'to is exclusive');
      assert.equal((await q(at + 1, at + 60_000)).json().items.length, 0);
      assert.equal((await t.call('GET', '/api/v1/audit-events?from=yesterday')).statusCode, 400);
    });

    it('exports matching events oldest first with hashes that re-check, and audits the export', async () => {
      const a = await addTrustedNetwork(t.ctx, { cidr: '198.51.100.0/24', label: 'export a' });
      await addTrustedNetwork(t.ctx, { cidr: '192.0.2.0/24', label: 'export b' });
      const token = await t.tokenWith(['audit:export']);
      const res = await t.call('POST', '/api/v1/audit-exports', {
        token,
        body: { type: 'trusted_network.added' },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(
        String(res.headers['content-disposition']),
        /^attachment; filename="dossier-audit-[0-9TZ-]+\.json"$/,
      );
      const doc = res.json();
      assert.equal(doc.format, 'dossier.audit-export.v1');
      assert.deepEqual(doc.filters, { type: 'trusted_network.added' });
      assert.ok(doc.count >= 2);
      assert.equal(doc.events.length, doc.count);
      assert.ok(doc.events.every((e: { type: string }) => e.type === 'trusted_network.added'));
      const seqs = doc.events.map((e: { seq: string }) => BigInt(e.seq));
      assert.deepEqual(
        [...seqs].sort((x, y) => (x < y ? -1 : 1)),
        seqs,
        'oldest first',
      );
      assert.ok(doc.events.some((e: { targetId: string }) => e.targetId === a.id));
      for (const e of doc.events) {
        const { prevHash, hash, ...fields } = e;
        assert.equal(hashRow(Buffer.from(prevHash, 'hex'), fields).toString('hex'), hash);
      }
      assert.ok(BigInt(doc.head.seq) >= seqs.at(-1)!);
      const [audited] = (await exports()).slice(-1);
      assert.deepEqual(audited!.payload, {
        filters: { type: 'trusted_network.added' },
        count: doc.count,
        firstSeq: doc.events[0].seq,
        lastSeq: doc.events.at(-1).seq,
      });
      assert.match(audited!.actor, /^api_key:/);
    });

    it('a staff session needs a recent second factor to export', async () => {
      const clock = controlClock(t);
      const auditor = await createStaff(t, { totp: true, rights: ['audit:read', 'audit:export'] });
      const s = await signInWithTotp(t, auditor, clock);
      const fresh = await browser(t, 'POST', '/api/v1/audit-exports', {
        cookie: s.token,
        csrf: s.csrf,
        body: {},
      });
      assert.equal(fresh.statusCode, 200, fresh.body);
      const before = (await exports()).length;
      await t.database.db
        .updateTable('sessions')
        .set({ second_factor_at: new Date(Date.now() - t.auth.session.stepUpWindowMs - 1000) })
        .where('user_id', '=', auditor.id)
        .execute();
      const stale = await browser(t, 'POST', '/api/v1/audit-exports', {
        cookie: s.token,
        csrf: s.csrf,
        body: {},
      });
      assert.equal(stale.statusCode, 403);
      assert.equal(stale.json().reason, 'step_up_required');
      assert.equal((await exports()).length, before, 'a refused export is not an export');
      const noCsrf = await browser(t, 'POST', '/api/v1/audit-exports', { cookie: s.token, body: {} });
      assert.equal(noCsrf.statusCode, 403);
    });
  });
}
