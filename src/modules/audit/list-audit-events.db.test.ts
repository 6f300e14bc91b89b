import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { inTransaction } from '../../db/transaction.ts';
import type { Actor } from '../access/actor.ts';
import type { Ctx } from '../../platform/context.ts';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { testCtx } from '../../../test/support/context.ts';
import type { AuditEvent } from './audit.events.ts';
import { appendAudit } from './audit.repository.ts';
import { listAuditEvents } from './list-audit-events.ts';

const none = new Set<never>();

/** Counts the statements executed through a Kysely instance (one result each). */
function counter(): { plugin: KyselyPlugin; count: () => number } {
  let n = 0;
  return {
    plugin: {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        n++;
        return args.result;
      },
    },
    count: () => n,
  };
}

for (const backend of backends) {
  describe(`audit search names actors and targets [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;
    const ids = {
      staff: randomUUID(),
      client: randomUUID(),
      org: randomUUID(),
      key: randomUUID(),
      role: randomUUID(),
      gone: randomUUID(),
    };

    const append = (actor: Actor, event: AuditEvent) =>
      inTransaction(db.db, (tx) => appendAudit(tx, { actor, requestId: null, now: () => new Date() }, event));

    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db);
      const now = new Date();
      await db.db
        .insertInto('staff_users')
        .values({
          id: ids.staff,
          username: 'alice.auditor',
          display_name: 'Alice Auditor',
          email: 'alice@firm.test',
          status: 'active',
        })
        .execute();
      await db.db
        .insertInto('client_organisations')
        .values({ id: ids.org, name: 'Acme Holdings', status: 'active', created_at: now, updated_at: now })
        .execute();
      await db.db
        .insertInto('client_users')
        .values({
          id: ids.client,
          organisation_id: ids.org,
          username: 'carol',
          email: 'carol@acme.test',
          display_name: 'Carol Client',
          role: 'owner',
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db.db
        .insertInto('api_keys')
        .values({
          id: ids.key,
          prefix: 'abcdef0123456789',
          secret_hash: new Uint8Array(32),
          name: 'Nightly import',
          rights: ['audit:read'],
          created_at: now,
          created_by: `staff:${ids.staff}`,
        })
        .execute();
      await db.db
        .insertInto('roles')
        .values({
          id: ids.role,
          name: 'Reviewers',
          rights: [],
          created_at: now,
          updated_at: now,
          created_by: `staff:${ids.staff}`,
        })
        .execute();

      const staff: Actor = {
        kind: 'staff',
        id: ids.staff,
        username: 'alice.auditor',
        rights: none,
        sessionId: randomUUID(),
        secondFactorAt: null,
        programmes: 'all',
      };
      const client: Actor = {
        kind: 'client',
        id: ids.client,
        username: 'carol',
        organisationId: ids.org,
        role: 'owner',
        sessionId: randomUUID(),
        secondFactorAt: null,
        rights: none,
        programmes: new Set(),
      };
      const key: Actor = { kind: 'api_key', id: ids.key, name: 'x', rights: none, programmes: 'all' };
      const gone: Actor = { ...staff, id: ids.gone };
      await append(staff, {
        type: 'role.created',
        target: { type: 'role', id: ids.role },
        payload: { name: 'Reviewers' },
      } as AuditEvent);
      await append(client, {
        type: 'client_user.updated',
        target: { type: 'client_user', id: ids.client },
        payload: {},
      } as AuditEvent);
      await append(key, {
        type: 'api_key.revoked',
        target: { type: 'api_key', id: ids.key },
        payload: {},
      } as AuditEvent);
      await append(ctx.actor, {
        type: 'staff_user.updated',
        target: { type: 'staff_user', id: ids.staff },
        payload: { fields: ['displayName'] },
      } as AuditEvent);
      await append(staff, {
        type: 'client_organisation.updated',
        target: { type: 'client_organisation', id: ids.org },
        payload: {},
      } as AuditEvent);
      // A staff user who no longer exists, a target type that is never named, a malformed id.
      await append(gone, {
        type: 'application.created',
        target: { type: 'application', id: randomUUID() },
        payload: {},
      } as AuditEvent);
      await append(staff, {
        type: 'api_key.revoked',
        target: { type: 'api_key', id: 'k1' },
        payload: {},
      } as AuditEvent);
    });
    after(() => db.dispose());

    it('gives each event the current name of its actor and target, in one query for the page', async () => {
      const c = counter();
      const page = await listAuditEvents({ ...ctx, db: db.db.withPlugin(c.plugin) }, { limit: 50 });
      assert.equal(c.count(), 2, 'one query for the events, one for all their names');
      const byType = (type: string, n = 0) => page.items.filter((e) => e.type === type)[n]!;
      const pick = (e: (typeof page.items)[number]) => [e.actor, e.actorName, e.targetName];
      assert.deepEqual(pick(byType('role.created')), [`staff:${ids.staff}`, 'Alice Auditor', 'Reviewers']);
      assert.deepEqual(pick(byType('client_user.updated')), [
        `client:${ids.client}`,
        'Carol Client',
        'Carol Client',
      ]);
      assert.deepEqual(pick(byType('api_key.revoked', 1)), [
        `api_key:${ids.key}`,
        'Nightly import',
        'Nightly import',
      ]);
      assert.deepEqual(pick(byType('staff_user.updated')), ['system:test', 'test', 'Alice Auditor']);
      assert.deepEqual(pick(byType('client_organisation.updated')), [
        `staff:${ids.staff}`,
        'Alice Auditor',
        'Acme Holdings',
      ]);
      assert.deepEqual(pick(byType('application.created')), [`staff:${ids.gone}`, null, null]);
      assert.deepEqual(pick(byType('api_key.revoked', 0)), [`staff:${ids.staff}`, 'Alice Auditor', null]);
    });

    it('shows the name of today after a rename, and never stores a name in the events', async () => {
      await db.db
        .updateTable('staff_users')
        .set({ display_name: 'Alice Renamed' })
        .where('id', '=', ids.staff)
        .execute();
      const page = await listAuditEvents(ctx, { limit: 50, type: 'role.created' });
      assert.equal(page.items[0]!.actorName, 'Alice Renamed');
      const stored = JSON.stringify(await db.db.selectFrom('audit_events').selectAll().execute());
      for (const name of ['Alice', 'Carol Client', 'Nightly import', 'Acme Holdings'])
        assert.ok(!stored.includes(name), `${name} is not stored in the trail`);
    });

    it('a page with nothing to name runs no name query', async () => {
      const c = counter();
      const page = await listAuditEvents(
        { ...ctx, db: db.db.withPlugin(c.plugin) },
        { limit: 50, type: 'no.such_type' },
      );
      assert.deepEqual(page.items, []);
      assert.equal(c.count(), 1);
    });
  });
}
