import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';

for (const backend of backends) {
  describe(`api keys routes [${backend.kind}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    it('401 without credentials, with a malformed token, and with a wrong secret', async () => {
      assert.equal((await t.call('GET', '/api/v1/api-keys', { token: null })).statusCode, 401);
      assert.equal((await t.call('GET', '/api/v1/api-keys', { token: 'nonsense' })).statusCode, 401);
      const forged = t.adminToken.slice(0, -4) + 'AAAA';
      const res = await t.call('GET', '/api/v1/api-keys', { token: forged });
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().code, 'unauthenticated');
      const audit = await t.database.db
        .selectFrom('audit_events')
        .select(['type', 'payload'])
        .where('type', '=', 'api_key.rejected')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal((audit[0]!.payload as { reason: string }).reason, 'bad_secret');
    });

    it('403 for a key without the right, and the denial is audited', async () => {
      const res = await t.call('GET', '/api/v1/api-keys', { token: t.noRightsToken });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().code, 'forbidden');
      const denied = await t.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('type', '=', 'access.denied')
        .execute();
      assert.ok(denied.some((d) => (d.payload as { right: string }).right === 'api-key:manage'));
    });

    it('400 for bad input and unknown fields', async () => {
      const unknown = await t.call('POST', '/api/v1/api-keys', {
        body: { name: 'x', rights: ['subject:read'], admin: true },
      });
      assert.equal(unknown.statusCode, 400);
      assert.deepEqual(unknown.json().errors, [{ path: 'body/admin', message: 'unknown field' }]);
      const badRight = await t.call('POST', '/api/v1/api-keys', { body: { name: 'x', rights: ['root'] } });
      assert.equal(badRight.statusCode, 400);
      const past = await t.call('POST', '/api/v1/api-keys', {
        body: { name: 'x', rights: ['subject:read'], expiresAt: '2000-01-01T00:00:00Z' },
      });
      assert.equal(past.statusCode, 400);
    });

    it('creates a key shown once, usable for its rights only, then revoked', async () => {
      const created = await t.call('POST', '/api/v1/api-keys', {
        body: { name: 'integration', rights: ['audit:read'] },
      });
      assert.equal(created.statusCode, 201);
      const { apiKey, token } = created.json();
      assert.match(token, /^dsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      assert.equal(apiKey.name, 'integration');
      const row = await t.database.db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', apiKey.id)
        .executeTakeFirstOrThrow();
      assert.ok(
        // The secret is everything after "dsk_<16 hex>_" (base64url may itself contain "_").
        !Buffer.from(row.secret_hash)
          .toString('utf8')
          .includes(token.slice('dsk_'.length + 17)),
        'secret is not stored',
      );
      const list = await t.call('GET', '/api/v1/api-keys');
      assert.ok(!JSON.stringify(list.json()).includes(token), 'token never listed');

      assert.equal((await t.call('GET', '/api/v1/audit-events', { token })).statusCode, 200);
      assert.equal((await t.call('GET', '/api/v1/api-keys', { token })).statusCode, 403);

      const revoked = await t.call('POST', `/api/v1/api-keys/${apiKey.id}/revoke`);
      assert.equal(revoked.statusCode, 200);
      assert.ok(revoked.json().revokedAt);
      assert.equal((await t.call('GET', '/api/v1/audit-events', { token })).statusCode, 401);
      const types = (
        await t.database.db
          .selectFrom('audit_events')
          .select('type')
          .where('target_id', '=', apiKey.id)
          .execute()
      ).map((r) => r.type);
      assert.deepEqual(types, ['api_key.created', 'api_key.revoked', 'api_key.rejected']);
    });

    it('a change made outside this server (another server, the CLI, SQL) reaches the gate through the notification', async () => {
      const token = await t.tokenWith(['audit:read']);
      assert.equal((await t.call('GET', '/api/v1/audit-events', { token })).statusCode, 200); // now cached
      const prefix = token.split('_')[1]!;
      await t.database.db
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('prefix', '=', prefix)
        .execute();
      let status = 0;
      for (let i = 0; i < 50 && status !== 401; i++) {
        status = (await t.call('GET', '/api/v1/audit-events', { token })).statusCode;
        if (status !== 401) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 401);
      const removed = await t.tokenWith(['audit:read']);
      assert.equal((await t.call('GET', '/api/v1/audit-events', { token: removed })).statusCode, 200);
      await t.database.db
        .updateTable('api_keys')
        .set({ rights: [] })
        .where('prefix', '=', removed.split('_')[1]!)
        .execute();
      for (let i = 0; i < 50 && status !== 403; i++) {
        status = (await t.call('GET', '/api/v1/audit-events', { token: removed })).statusCode;
        if (status !== 403) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 403);
    });

    it('a key cannot grant rights it does not hold', async () => {
      const limited = await t.tokenWith(['api-key:manage']);
      const res = await t.call('POST', '/api/v1/api-keys', {
        token: limited,
        body: { name: 'x', rights: ['audit:read'] },
      });
      assert.equal(res.statusCode, 403);
    });

    it('404 for an unknown key id, 400 for a malformed id', async () => {
      assert.equal(
        (await t.call('POST', '/api/v1/api-keys/00000000-0000-4000-8000-000000000000/revoke')).statusCode,
        404,
      );
      assert.equal((await t.call('POST', '/api/v1/api-keys/not-a-uuid/revoke')).statusCode, 400);
    });
  });
}
