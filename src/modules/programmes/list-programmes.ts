import type { Ctx } from '../../platform/context.ts';
import { programmeFilter } from '../access/actor.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { presentProgramme } from './programme.presenter.ts';
import { listProgrammeRows } from './programme.repository.ts';
import type { ProgrammeListQuery, ProgrammeView } from './programme.schema.ts';

/** The programmes the actor is a member of, oldest first, keyset-paginated on (created_at, id). */
export async function listProgrammes(
  ctx: Ctx,
  query: ProgrammeListQuery,
): Promise<{ items: ProgrammeView[]; nextCursor: string | null }> {
  const rows = await listProgrammeRows(
    ctx.db,
    { limit: query.limit, after: decodeCursor(query.cursor) },
    programmeFilter(ctx.actor),
  );
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(presentProgramme),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
  };
}
