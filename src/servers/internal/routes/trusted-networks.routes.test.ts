import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { auditOf } from '../../../../test/support/factories-applications.ts';
import { addTrustedNetwork } from '../../../modules/trusted-networks/index.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const backend of backends) {
  describe(`trusted networks routes [${backend.kind}]`, () => {
    let t: TestApp;
    const routes: RouteOptions[] = [];
    before(async () => {
      t = await startTestApp(backend, { onRoute: (r) => routes.push(r) });
    });
    after(() => t.close());

    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('trusted_networks')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('401 without credentials, 403 without trusted-network:manage', async () => {
      const net = await addTrustedNetwork(t.ctx, { cidr: '198.51.100.0/24' });
      const token = await t.tokenWith(['role:manage', 'user:manage', 'subject:read']);
      for (const [method, url, body] of [
        ['GET', '/api/v1/trusted-networks', undefined],
        ['POST', '/api/v1/trusted-networks', { cidr: '192.0.2.0/24' }],
        ['DELETE', `/api/v1/trusted-networks/${net.id}`, undefined],
      ] as const) {
        assert.equal((await t.call(method, url, { token: null, body })).statusCode, 401, `${method} ${url}`);
        assert.equal((await t.call(method, url, { token, body })).statusCode, 403, `${method} ${url}`);
      }
      assert.equal(await count(), 1);
      assert.equal((await auditOf(t.database.db, net.id)).length, 1);
    });

    it('writes declare stepUp; the list does not', () => {
      const mine = routes
        .filter((r) => r.url.startsWith('/api/v1/trusted-networks'))
        .flatMap((r) =>
          (Array.isArray(r.method) ? r.method : [r.method])
            .filter((m) => m !== 'HEAD')
            .map((m) => [`${m} ${r.url}`, r.config?.access, r.config?.stepUp === true]),
        )
        .sort();
      assert.deepEqual(mine, [
        ['DELETE /api/v1/trusted-networks/:id', 'trusted-network:manage', true],
        ['GET /api/v1/trusted-networks', 'trusted-network:manage', false],
        ['POST /api/v1/trusted-networks', 'trusted-network:manage', true],
      ]);
    });

    it('400 for unknown fields, malformed and overly broad ranges; nothing stored', async () => {
      const before = await count();
      const post = (body: unknown) => t.call('POST', '/api/v1/trusted-networks', { body });
      for (const extra of ['id', 'createdBy', 'createdAt']) {
        const res = await post({ cidr: '192.0.2.0/24', [extra]: 'x' });
        assert.equal(res.statusCode, 400, extra);
        assert.deepEqual(res.json().errors, [{ path: `body/${extra}`, message: 'unknown field' }]);
      }
      assert.equal((await post({})).statusCode, 400);
      assert.equal((await post({ cidr: 10 })).statusCode, 400);
      for (const cidr of [
        '0.0.0.0/0',
        '::/0',
        '10.0.0.0/7',
        '2001:db8::/31',
        '192.0.2.1',
        '10.1/8',
        '::/32',
      ]) {
        const res = await post({ cidr });
        assert.equal(res.statusCode, 400, cidr);
        assert.equal(res.json().code, 'validation');
        assert.deepEqual(
          res.json().errors.map((e: { path: string }) => e.path),
          ['cidr'],
          cidr,
        );
      }
      assert.match((await post({ cidr: '0.0.0.0/0' })).json().detail, /too broad/);
      assert.equal((await t.call('DELETE', '/api/v1/trusted-networks/not-a-uuid')).statusCode, 400);
      assert.equal(await count(), before);
    });

    it('201 with the canonical range, audited; 409 for the same range in another spelling', async () => {
      const res = await t.call('POST', '/api/v1/trusted-networks', {
        body: { cidr: '10.20.30.40/16', label: 'Head office' },
      });
      assert.equal(res.statusCode, 201);
      const net = res.json();
      assert.equal(net.cidr, '10.20.0.0/16');
      assert.equal(net.label, 'Head office');
      assert.match(net.createdBy, /^api_key:/);
      assert.deepEqual(await auditOf(t.database.db, net.id), [
        { type: 'trusted_network.added', payload: { cidr: '10.20.0.0/16', label: 'Head office' } },
      ]);
      const mapped = await t.call('POST', '/api/v1/trusted-networks', {
        body: { cidr: '::ffff:10.20.0.0/112' },
      });
      assert.equal(mapped.statusCode, 409);
      assert.equal(mapped.json().code, 'conflict');
      assert.equal(mapped.json().cidr, '10.20.0.0/16');
      const v6 = await t.call('POST', '/api/v1/trusted-networks', { body: { cidr: '2001:DB8:AB::1/48' } });
      assert.equal(v6.statusCode, 201);
      assert.equal(v6.json().cidr, '2001:db8:ab::/48');
      const list = (await t.call('GET', '/api/v1/trusted-networks')).json();
      assert.deepEqual(
        list.items.filter((x: { id: string }) => x.id === net.id || x.id === v6.json().id),
        [net, v6.json()],
      );
    });

    it('204 on delete, audited; 404 for an unknown or already removed range', async () => {
      const net = await addTrustedNetwork(t.ctx, { cidr: '203.0.113.0/24', label: 'Branch' });
      const del = await t.call('DELETE', `/api/v1/trusted-networks/${net.id}`);
      assert.equal(del.statusCode, 204);
      assert.equal(del.body, '');
      assert.deepEqual((await auditOf(t.database.db, net.id)).at(-1), {
        type: 'trusted_network.removed',
        payload: { cidr: '203.0.113.0/24', label: 'Branch' },
      });
      for (const id of [net.id, UNKNOWN]) {
        const res = await t.call('DELETE', `/api/v1/trusted-networks/${id}`);
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 'not_found');
      }
    });
  });
}
