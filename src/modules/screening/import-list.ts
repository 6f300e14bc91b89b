/**
 * Importing a sanctions or PEP list as a new snapshot. The file is parsed by the format's streaming
 * importer; its entities, the snapshot row (content hash, counts) and the difference from the
 * previous snapshot (added, changed, removed entity ids) are written in ONE transaction that also
 * makes the new snapshot the active one. A malformed file is refused with the line or element at
 * fault (ListFormatError → 400) and nothing changes: the current snapshot stays active. An import
 * identical to the active snapshot (same content hash) stores nothing and says so.
 */
import { createHash, randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { validationError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit, recordAudit } from '../audit/audit.repository.ts';
import {
  contentHash,
  diffSnapshots,
  importList,
  ListFormatError,
  type ListEntity,
  type ListFormat,
  type ListInput,
} from './lists/index.ts';
import type { OfacFiles } from './lists/ofac-csv.ts';
import { enqueueScreeningJob } from './monitoring.ts';

export const LIST_FORMATS: readonly ListFormat[] = [
  'ofac-csv',
  'un-xml',
  'eu-xml',
  'uk-csv',
  'ftm',
  'senzing',
];

/** The list a format feeds unless told otherwise. */
export function defaultListName(format: ListFormat, ofacList: 'sdn' | 'cons' = 'sdn'): string {
  switch (format) {
    case 'ofac-csv':
      return `ofac-${ofacList}`;
    case 'un-xml':
      return 'un';
    case 'eu-xml':
      return 'eu-fsf';
    case 'uk-csv':
      return 'uk-hmt';
    case 'ftm':
      return 'opensanctions';
    case 'senzing':
      return 'senzing';
  }
}

export interface ImportListInput {
  format: ListFormat;
  /** The list's name (lower-case letters, digits, dashes); default from the format. */
  list?: string | undefined;
  /** OFAC: main, alt, add, comments; other formats: the one file. */
  files: ListInput | OfacFiles;
  ofacList?: 'sdn' | 'cons' | undefined;
  onProgress?: ((entities: number) => void) | undefined;
}

export interface ImportListResult {
  snapshotId: string;
  list: string;
  unchanged: boolean;
  contentHash: string;
  entities: number;
  names: number;
  added: number;
  changed: number;
  removed: number;
  previousId: string | null;
}

const BATCH = 500;

function snapshotHash(hashes: Map<string, string>): string {
  const h = createHash('sha256');
  for (const id of [...hashes.keys()].sort()) h.update(`${id}\u0000${hashes.get(id)}\n`);
  return h.digest('hex');
}

export async function importListSnapshot(ctx: Ctx, input: ImportListInput): Promise<ImportListResult> {
  const list = input.list ?? defaultListName(input.format, input.ofacList);
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(list))
    throw validationError('the list name is lower-case letters, digits and dashes', [
      { path: '/list', message: 'invalid list name' },
    ]);
  const entities: { entity: ListEntity; hash: string }[] = [];
  const hashes = new Map<string, string>();
  let names = 0;
  try {
    for await (const entity of importList(input.format, input.files, {
      ...(input.ofacList ? { list: input.ofacList } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    })) {
      if (hashes.has(entity.id))
        throw new ListFormatError(input.format, `entity ${entity.id}`, 'the entity appears twice');
      const hash = contentHash(entity);
      hashes.set(entity.id, hash);
      entities.push({ entity, hash });
      names += entity.names.length;
    }
  } catch (err) {
    if (err instanceof ListFormatError) {
      await recordAudit(ctx.db, ctx, {
        type: 'screening.list_import_refused',
        target: { type: 'list', id: list },
        payload: { format: input.format, location: err.location },
      });
      throw validationError(`the list file is malformed: ${err.message}`, [
        { path: '/file', message: err.message },
      ]);
    }
    throw err;
  }
  if (entities.length === 0)
    throw validationError('the file holds no list entries', [{ path: '/file', message: 'empty list' }]);
  const hash = snapshotHash(hashes);

  return inTransaction(ctx.db, async (tx) => {
    const current = await tx
      .selectFrom('list_snapshots')
      .selectAll()
      .where('list', '=', list)
      .where('active', '=', true)
      .forUpdate()
      .executeTakeFirst();
    if (current && current.content_hash === hash)
      return {
        snapshotId: current.id,
        list,
        unchanged: true,
        contentHash: hash,
        entities: current.entity_count,
        names: current.name_count,
        added: 0,
        changed: 0,
        removed: 0,
        previousId: current.previous_id,
      };
    const previous = new Map<string, string>();
    if (current) {
      const rows = await tx
        .selectFrom('list_entities')
        .select(['entity_id', 'content_hash'])
        .where('snapshot_id', '=', current.id)
        .execute();
      for (const r of rows) previous.set(r.entity_id, r.content_hash);
    }
    const diff = diffSnapshots(previous, hashes);
    const id = randomUUID();
    if (current)
      await tx.updateTable('list_snapshots').set({ active: false }).where('id', '=', current.id).execute();
    await tx
      .insertInto('list_snapshots')
      .values({
        id,
        list,
        format: input.format,
        content_hash: hash,
        entity_count: entities.length,
        name_count: names,
        added: diff.added.length,
        changed: diff.changed.length,
        removed: diff.removed.length,
        previous_id: current?.id ?? null,
        active: true,
        imported_by: actorRef(ctx.actor),
        imported_at: ctx.now(),
      })
      .execute();
    for (let i = 0; i < entities.length; i += BATCH) {
      await tx
        .insertInto('list_entities')
        .values(
          entities.slice(i, i + BATCH).map((e) => ({
            snapshot_id: id,
            entity_id: e.entity.id,
            content_hash: e.hash,
            data: JSON.stringify(e.entity),
          })),
        )
        .execute();
    }
    const changes = [
      ...diff.added.map((e) => ({ snapshot_id: id, entity_id: e, change: 'added' as const })),
      ...diff.changed.map((e) => ({ snapshot_id: id, entity_id: e, change: 'changed' as const })),
      ...diff.removed.map((e) => ({ snapshot_id: id, entity_id: e, change: 'removed' as const })),
    ];
    for (let i = 0; i < changes.length; i += BATCH)
      await tx
        .insertInto('list_snapshot_changes')
        .values(changes.slice(i, i + BATCH))
        .execute();
    // Ongoing monitoring: the customer base is reverse-screened against what changed.
    if (diff.added.length + diff.changed.length > 0)
      await enqueueScreeningJob(tx, { kind: 'reverse_screen', snapshotId: id }, ctx.now());
    await appendAudit(tx, ctx, {
      type: 'screening.list_imported',
      target: { type: 'list', id: list },
      payload: {
        snapshotId: id,
        format: input.format,
        contentHash: hash,
        entities: entities.length,
        added: diff.added.length,
        changed: diff.changed.length,
        removed: diff.removed.length,
      },
    });
    return {
      snapshotId: id,
      list,
      unchanged: false,
      contentHash: hash,
      entities: entities.length,
      names,
      added: diff.added.length,
      changed: diff.changed.length,
      removed: diff.removed.length,
      previousId: current?.id ?? null,
    };
  });
}

/** The active snapshot of every list (or of the given lists), for the engine's index. */
export async function activeSnapshots(
  ctx: Pick<Ctx, 'db'>,
  lists?: readonly string[],
): Promise<{ id: string; list: string; contentHash: string; importedAt: Date; entities: number }[]> {
  let q = ctx.db.selectFrom('list_snapshots').selectAll().where('active', '=', true);
  if (lists) q = q.where('list', 'in', lists.length ? [...lists] : ['']);
  const rows = await q.orderBy('list').execute();
  return rows.map((r) => ({
    id: r.id,
    list: r.list,
    contentHash: r.content_hash,
    importedAt: r.imported_at,
    entities: r.entity_count,
  }));
}

/** The entities of a snapshot, streamed in pages (a list can hold a million). */
export async function* snapshotEntities(
  ctx: Pick<Ctx, 'db'>,
  snapshotId: string,
  pageSize = 2000,
): AsyncGenerator<ListEntity> {
  for await (const row of snapshotEntityRows(ctx, snapshotId, pageSize)) yield row.entity;
}

/** The entities of a snapshot with their content hashes (which alert decisions are tied to). */
export async function* snapshotEntityRows(
  ctx: Pick<Ctx, 'db'>,
  snapshotId: string,
  pageSize = 2000,
): AsyncGenerator<{ entity: ListEntity; hash: string }> {
  let after = '';
  for (;;) {
    const rows = await ctx.db
      .selectFrom('list_entities')
      .select(['entity_id', 'data', 'content_hash'])
      .where('snapshot_id', '=', snapshotId)
      .where('entity_id', '>', after)
      .orderBy('entity_id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    for (const r of rows)
      yield {
        entity: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as ListEntity,
        hash: r.content_hash,
      };
    after = rows.at(-1)!.entity_id;
  }
}
