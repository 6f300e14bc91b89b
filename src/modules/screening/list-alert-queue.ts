/**
 * The alert queue: the open alerts of every subject the actor sees (the subjects of the actor's
 * programmes, and those attached to their applications), highest score first, with the per-token
 * explanation of the run that raised each one. Keyset-paginated on (score, id).
 */
import type { Ctx } from '../../platform/context.ts';
import { validationError } from '../../platform/errors.ts';
import { subjectScope } from '../subjects/find-visible-subject.ts';
import { visibleIn } from '../subjects/subject.repository.ts';
import { presentAlert } from './alerts.ts';
import type { AlertQueueItemView, AlertQueueQuery } from './screening.schema.ts';

interface StoredHit {
  entityId: string;
  nameScore?: number;
  nameKind?: string;
  explanation?: AlertQueueItemView['explanation'];
}

function encodeCursor(score: number, id: string): string {
  return Buffer.from(JSON.stringify([score, id])).toString('base64url');
}

function decodeCursor(raw: string): { score: number; id: string } {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      typeof v[0] === 'number' &&
      Number.isFinite(v[0]) &&
      typeof v[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(v[1])
    )
      return { score: v[0], id: v[1] };
  } catch {
    // fall through
  }
  throw validationError('invalid cursor', [{ path: 'querystring/cursor', message: 'invalid cursor' }]);
}

/** One page of the open alerts the actor may see, ranked by score (then id, for a stable order). */
export async function listAlertQueue(
  ctx: Ctx,
  query: AlertQueueQuery,
): Promise<{ items: AlertQueueItemView[]; nextCursor: string | null }> {
  const limit = query.limit;
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const scope = subjectScope(ctx.actor);
  let q = ctx.db
    .selectFrom('screening_alerts as a')
    .innerJoin('subjects as s', 's.id', 'a.subject_id')
    .innerJoin('screening_runs as r', 'r.id', 'a.run_id')
    .selectAll('a')
    .select(['s.kind as subject_kind', 's.display_name as subject_name', 'r.hits as run_hits'])
    .where('a.status', '=', 'open');
  if (scope)
    q = q.where('a.subject_id', 'in', (eb) =>
      eb.selectFrom('subjects').select('subjects.id').where(visibleIn(scope)),
    );
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('a.score', '<', after.score),
        eb.and([eb('a.score', '=', after.score), eb('a.id', '>', after.id)]),
      ]),
    );
  const rows = await q
    .orderBy('a.score', 'desc')
    .orderBy('a.id', 'asc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const items = page.map((row) => {
    const { subject_kind, subject_name, run_hits, ...alert } = row;
    const parsed = typeof run_hits === 'string' ? (JSON.parse(run_hits) as unknown) : run_hits;
    const hits = (Array.isArray(parsed) ? parsed : []) as StoredHit[];
    const hit = hits.find((h) => h.entityId === alert.entity_id);
    return {
      ...presentAlert(alert),
      subject: { id: alert.subject_id, kind: subject_kind, displayName: subject_name },
      nameScore: hit?.nameScore ?? null,
      nameKind: hit?.nameKind ?? null,
      explanation: hit?.explanation ?? null,
    };
  });
  const last = page.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.score, last.id) : null,
  };
}
