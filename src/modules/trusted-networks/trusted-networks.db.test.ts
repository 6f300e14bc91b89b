import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../test/support/context.ts';
import { auditOf } from '../../../test/support/factories-applications.ts';
import { createRole, setUserRoles } from '../roles/index.ts';
import type { Right } from '../access/rights.ts';
import {
  addTrustedNetwork,
  decideSecondFactorSkip,
  listTrustedNetworks,
  removeTrustedNetwork,
} from './index.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;

for (const backend of backends) {
  describe(`trusted networks [${backend.kind}]`, () => {
    let db: TestDatabase;
    let ctx: Ctx;
    let n = 0;
    before(async () => {
      db = await backend.open();
      ctx = testCtx(db.db, { rights: 'all' });
    });
    after(() => db.dispose());

    const clearNetworks = () => db.db.deleteFrom('trusted_networks').execute();
    const role = (rights: Right[], trustedNetworkSkip = false) =>
      createRole(ctx, { name: `Role ${++n}`, rights, trustedNetworkSkip });
    const userWith = async (...roleIds: string[]) => {
      const id = await insertStaffUser(db.db);
      await setUserRoles(ctx, id, roleIds);
      return id;
    };

    describe('managing ranges', () => {
      beforeEach(clearNetworks);

      it('adds a range in canonical form (host bits cleared) and audits it', async () => {
        const net = await addTrustedNetwork(ctx, { cidr: '10.1.2.3/8', label: ' Head office ' });
        assert.equal(net.cidr, '10.0.0.0/8');
        assert.equal(net.label, 'Head office');
        assert.equal(net.createdBy, 'system:test');
        const row = await db.db
          .selectFrom('trusted_networks')
          .selectAll()
          .where('id', '=', net.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.cidr, '10.0.0.0/8');
        assert.deepEqual(await auditOf(db.db, net.id), [
          { type: 'trusted_network.added', payload: { cidr: '10.0.0.0/8', label: 'Head office' } },
        ]);
        const v6 = await addTrustedNetwork(ctx, { cidr: '2001:DB8:0:0:1::/48' });
        assert.deepEqual([v6.cidr, v6.label], ['2001:db8::/48', '']);
        const mapped = await addTrustedNetwork(ctx, { cidr: '::ffff:192.168.7.1/120' });
        assert.equal(mapped.cidr, '192.168.7.0/24');
        assert.deepEqual(
          (await listTrustedNetworks(ctx)).map((x) => x.cidr),
          ['10.0.0.0/8', '2001:db8::/48', '192.168.7.0/24'],
        );
      });

      it('a range already trusted, in any spelling, is a conflict', async () => {
        await addTrustedNetwork(ctx, { cidr: '172.16.0.0/12' });
        for (const spelling of ['172.16.0.0/12', '172.20.1.1/12', '::ffff:172.16.0.0/108'])
          await assert.rejects(addTrustedNetwork(ctx, { cidr: spelling }), code('conflict'), spelling);
        const results = await Promise.allSettled(
          [1, 2, 3].map(() => addTrustedNetwork(ctx, { cidr: '192.0.2.0/24' })),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        assert.equal((await listTrustedNetworks(ctx)).length, 2);
      });

      it('refuses overly broad and malformed ranges, storing and auditing nothing', async () => {
        const added = () =>
          db.db.selectFrom('audit_events').select('id').where('type', '=', 'trusted_network.added').execute();
        const before = (await added()).length;
        for (const cidr of [
          '0.0.0.0/0',
          '::/0',
          '10.0.0.0/7',
          '2001:db8::/31',
          '::ffff:0:0/96',
          '10.1/8',
          'x',
        ])
          await assert.rejects(addTrustedNetwork(ctx, { cidr }), code('validation'), cidr);
        assert.equal((await listTrustedNetworks(ctx)).length, 0);
        assert.equal((await added()).length, before);
      });

      it('removes a range, audited; an unknown id is not found', async () => {
        const net = await addTrustedNetwork(ctx, { cidr: '198.51.100.0/24', label: 'Branch' });
        await removeTrustedNetwork(ctx, net.id);
        assert.deepEqual(await listTrustedNetworks(ctx), []);
        assert.deepEqual((await auditOf(db.db, net.id)).at(-1), {
          type: 'trusted_network.removed',
          payload: { cidr: '198.51.100.0/24', label: 'Branch' },
        });
        await assert.rejects(removeTrustedNetwork(ctx, net.id), code('not_found'));
        await assert.rejects(removeTrustedNetwork(ctx, UNKNOWN), code('not_found'));
      });
    });

    describe('decideSecondFactorSkip', () => {
      let office: { id: string; cidr: string };
      let lab: { id: string; cidr: string };
      let v6: { id: string; cidr: string };
      before(async () => {
        await clearNetworks();
        office = await addTrustedNetwork(ctx, { cidr: '10.0.0.0/8', label: 'Office' });
        lab = await addTrustedNetwork(ctx, { cidr: '10.1.0.0/16', label: 'Lab' });
        v6 = await addTrustedNetwork(ctx, { cidr: '2001:db8:1::/48', label: 'Office v6' });
      });
      const decide = (userId: string, ip: string, enabled = true) =>
        decideSecondFactorSkip(db.db, { userId, ip, enabled });

      it('skips for a user whose role allows it, inside a trusted range, naming range and role', async () => {
        const allowing = await role(['subject:read'], true);
        const user = await userWith(allowing.id);
        assert.deepEqual(await decide(user, '10.200.0.1'), {
          skip: true,
          networkId: office.id,
          cidr: '10.0.0.0/8',
          roleId: allowing.id,
        });
        assert.deepEqual(await decide(user, '10.1.2.3'), {
          skip: true,
          networkId: lab.id,
          cidr: '10.1.0.0/16',
          roleId: allowing.id,
        });
      });

      it('unwraps IPv4-mapped IPv6 addresses and matches IPv6 ranges', async () => {
        const allowing = await role(['subject:read'], true);
        const user = await userWith(allowing.id);
        const mapped = await decide(user, '::ffff:10.1.2.3');
        assert.deepEqual(mapped, { skip: true, networkId: lab.id, cidr: '10.1.0.0/16', roleId: allowing.id });
        const mappedHex = await decide(user, '::ffff:a64:1');
        assert.equal(mappedHex.skip && mappedHex.cidr, '10.0.0.0/8');
        assert.deepEqual(await decide(user, '2001:db8:1:ff::7'), {
          skip: true,
          networkId: v6.id,
          cidr: '2001:db8:1::/48',
          roleId: allowing.id,
        });
        assert.deepEqual(await decide(user, '2001:db8:2::7'), { skip: false, reason: 'no_trusted_network' });
      });

      it('outside every range, or with an address that does not parse: no_trusted_network', async () => {
        const user = await userWith((await role(['subject:read'], true)).id);
        for (const ip of ['192.0.2.1', '::ffff:11.0.0.1', '::a00:1', 'garbage', ''])
          assert.deepEqual(await decide(user, ip), { skip: false, reason: 'no_trusted_network' }, ip);
      });

      it('master switch off: disabled, whatever else holds', async () => {
        const user = await userWith((await role(['subject:read'], true)).id);
        assert.deepEqual(await decide(user, '10.0.0.1', false), { skip: false, reason: 'disabled' });
      });

      it('no role, or no role that allows it: no_role_allows', async () => {
        const noRoles = await insertStaffUser(db.db);
        assert.deepEqual(await decide(noRoles, '10.0.0.1'), { skip: false, reason: 'no_role_allows' });
        const plain = await userWith((await role(['subject:read'])).id, (await role(['audit:read'])).id);
        assert.deepEqual(await decide(plain, '10.0.0.1'), { skip: false, reason: 'no_role_allows' });
        assert.deepEqual(await decide(randomUUID(), '10.0.0.1'), { skip: false, reason: 'no_role_allows' });
      });

      it('an administrative role never skips, even when another of the user’s roles allows it', async () => {
        const allowing = await role(['subject:read'], true);
        for (const right of [
          'user:manage',
          'role:manage',
          'trusted-network:manage',
          'api-key:manage',
        ] as const) {
          const admin = await role([right]);
          const user = await userWith(allowing.id, admin.id);
          assert.deepEqual(
            await decide(user, '10.0.0.1'),
            { skip: false, reason: 'administrative_role' },
            right,
          );
        }
      });

      it('a role that allows skipping yet holds an administrative right (set behind the use cases) still never skips', async () => {
        const r = await role(['subject:read'], true);
        await db.db
          .updateTable('roles')
          .set({ rights: ['subject:read', 'user:manage'] })
          .where('id', '=', r.id)
          .execute();
        const user = await userWith(r.id);
        assert.deepEqual(await decide(user, '10.0.0.1'), { skip: false, reason: 'administrative_role' });
      });

      it('removing the range ends the skip', async () => {
        const extra = await addTrustedNetwork(ctx, { cidr: '203.0.113.0/24' });
        const user = await userWith((await role(['subject:read'], true)).id);
        assert.equal((await decide(user, '203.0.113.9')).skip, true);
        await removeTrustedNetwork(ctx, extra.id);
        assert.deepEqual(await decide(user, '203.0.113.9'), { skip: false, reason: 'no_trusted_network' });
      });
    });
  });
}
