import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { backends, createEmptyDatabase } from '../../test/support/db.ts';
import { listMigrations, migrate } from './migrate.ts';

for (const backend of backends) {
  describe(`migrations [${backend.kind}]`, () => {
    it('apply once, in order, and are idempotent', async () => {
      const db = await createEmptyDatabase(backend.kind);
      try {
        const first = await migrate(db);
        assert.equal(first.applied.length, listMigrations().length);
        const second = await migrate(db);
        assert.deepEqual(second.applied, []);
        const head = await db.db.selectFrom('audit_head').selectAll().execute();
        assert.equal(head.length, 1);
      } finally {
        await db.dispose();
      }
    });

    it('two servers migrating at once do not race', async () => {
      const db = await createEmptyDatabase(backend.kind);
      const other =
        backend.kind === 'postgres'
          ? await import('../../src/db/connect.ts').then((m) => m.openDatabase({ url: db.url!, poolSize: 2 }))
          : db;
      try {
        const [a, b] = await Promise.all([migrate(db), migrate(other)]);
        assert.equal(a.applied.length + b.applied.length, listMigrations().length);
        const rows = await sql<{ n: string }>`SELECT count(*)::text AS n FROM schema_migrations`.execute(
          db.db,
        );
        assert.equal(rows.rows[0]!.n, String(listMigrations().length));
      } finally {
        if (other !== db) await other.close();
        await db.dispose();
      }
    });

    it('refuses a migration whose file changed after it was applied, and a failed migration leaves nothing', async () => {
      const db = await createEmptyDatabase(backend.kind);
      try {
        const ms = listMigrations();
        await migrate(db, ms);
        await assert.rejects(
          migrate(db, [{ ...ms[0]!, sql: ms[0]!.sql + '\n-- edited', checksum: 'changed' }, ...ms.slice(1)]),
          /changed after it was applied/,
        );
        // An older build (fewer migrations) refuses to run against a newer schema.
        await assert.rejects(migrate(db, ms.slice(0, 1)), /this build does not know/);
        const broken = {
          version: '29990101000000',
          name: 'broken',
          sql: 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;',
          checksum: 'x',
        };
        await assert.rejects(migrate(db, [...ms, broken]));
        const t = await sql<{
          n: string;
        }>`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'half_done'`.execute(
          db.db,
        );
        assert.equal(t.rows[0]!.n, '0');
      } finally {
        await db.dispose();
      }
    });
  });
}
