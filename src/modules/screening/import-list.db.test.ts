import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { testKeyring } from '../../../test/support/keyring.ts';
import { createCtx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { ALL_RIGHTS } from '../access/rights.ts';
import { activeSnapshots, importListSnapshot, snapshotEntities } from './import-list.ts';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../test/fixtures/lists/${name}`, import.meta.url));
const UN = readFileSync(fixture('un_consolidated.xml'), 'utf8');
const stream = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);

for (const backend of backends) {
  describe(`list snapshots [${backend.kind}]`, () => {
    let database: TestDatabase;
    let ctx: Ctx;
    before(async () => {
      database = await backend.open();
      ctx = createCtx({
        db: database.db,
        keyring: testKeyring(),
        actor: { kind: 'system', label: 'test', rights: new Set(ALL_RIGHTS) },
      });
    });
    after(() => database.dispose());

    it('imports a list as the active snapshot, with counts and a content hash', async () => {
      const r = await importListSnapshot(ctx, { format: 'un-xml', files: stream(UN) });
      assert.equal(r.list, 'un');
      assert.equal(r.unchanged, false);
      assert.equal(r.entities, 14);
      assert.equal(r.added, 14);
      assert.match(r.contentHash, /^[0-9a-f]{64}$/);
      const active = await activeSnapshots(ctx);
      assert.deepEqual(
        active.map((a) => [a.list, a.id]),
        [['un', r.snapshotId]],
      );
      const ids: string[] = [];
      for await (const e of snapshotEntities(ctx, r.snapshotId, 5)) ids.push(e.id);
      assert.equal(ids.length, 14);
      assert.ok(ids.includes('un:IQi.001'));
    });

    it('the same content again stores nothing', async () => {
      const before = await activeSnapshots(ctx);
      const r = await importListSnapshot(ctx, { format: 'un-xml', files: stream(UN) });
      assert.equal(r.unchanged, true);
      assert.equal(r.snapshotId, before[0]!.id);
    });

    it('a new snapshot stores its difference: added, changed and removed entries', async () => {
      const previous = (await activeSnapshots(ctx))[0]!;
      // Change Saddam Hussein's first name; remove the first individual (CDi.001).
      let changed = UN.replace('<FIRST_NAME>SADDAM</FIRST_NAME>', '<FIRST_NAME>SADAM</FIRST_NAME>');
      const start = changed.indexOf('<INDIVIDUAL>');
      const end = changed.indexOf('</INDIVIDUAL>', start) + '</INDIVIDUAL>'.length;
      changed = changed.slice(0, start) + changed.slice(end);
      const r = await importListSnapshot(ctx, { format: 'un-xml', files: stream(changed) });
      assert.deepEqual([r.added, r.changed, r.removed, r.entities], [0, 1, 1, 13]);
      assert.equal(r.previousId, previous.id);
      const changes = await database.db
        .selectFrom('list_snapshot_changes')
        .select(['entity_id', 'change'])
        .where('snapshot_id', '=', r.snapshotId)
        .orderBy('entity_id')
        .execute();
      assert.deepEqual(
        changes.map((c) => [c.entity_id, c.change]),
        [
          ['un:CDi.001', 'removed'],
          ['un:IQi.001', 'changed'],
        ],
      );
      const snapshots = await database.db.selectFrom('list_snapshots').select(['id', 'active']).execute();
      assert.equal(snapshots.filter((s) => s.active).length, 1);
    });

    it('a malformed file is refused with the place at fault; the active snapshot stays; audited', async () => {
      const active = (await activeSnapshots(ctx))[0]!;
      await assert.rejects(
        importListSnapshot(ctx, { format: 'un-xml', files: stream(UN.slice(0, 3000)) }),
        (err: unknown) =>
          err instanceof AppError && err.code === 'validation' && /line \d+/.test(err.message),
      );
      assert.equal((await activeSnapshots(ctx))[0]!.id, active.id);
      const refused = await database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'screening.list_import_refused')
        .execute();
      assert.equal(refused.length, 1);
    });

    it('OFAC with its side files, under its own list name', async () => {
      const r = await importListSnapshot(ctx, {
        format: 'ofac-csv',
        files: {
          main: fixture('ofac_sdn.csv'),
          alt: fixture('ofac_alt.csv'),
          add: fixture('ofac_add.csv'),
          comments: fixture('ofac_sdn_comments.csv'),
        },
      });
      assert.equal(r.list, 'ofac-sdn');
      assert.equal(r.entities, 28);
      assert.deepEqual((await activeSnapshots(ctx)).map((a) => a.list).sort(), ['ofac-sdn', 'un']);
    });
  });
}
