/**
 * Documents as views: the rows with their versions, application links and programme policy, in a
 * fixed number of queries whatever the page size. Shared by get, list, upload and update.
 */
import type { Executor } from '../../db/transaction.ts';
import type { Row } from '../../db/types.ts';
import { programmeFilter, type Actor } from '../access/actor.ts';
import {
  findApplicationLinks,
  findVersions,
  type DocumentRow,
  type DocumentScope,
} from './document.repository.ts';
import { isoDay, presentDocument, presentVersion } from './document.presenter.ts';
import type { DocumentDetailView, DocumentView } from './document.schema.ts';

export function documentScope(actor: Actor): DocumentScope {
  return programmeFilter(actor);
}

async function programmesOf(db: Executor, ids: string[]): Promise<Map<string, Row<'programmes'>>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('programmes').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((p) => [p.id, p]));
}

/**
 * The views of `rows`, in order. Application links are limited to applications the actor sees, so
 * a view never names another programme's application.
 */
export async function loadDocumentViews(
  db: Executor,
  actor: Actor,
  rows: readonly DocumentRow[],
  now: Date,
): Promise<{ views: DocumentView[]; versions: Map<string, ReturnType<typeof presentVersion>[]> }> {
  const ids = rows.map((r) => r.id);
  const [versions, links, programmes] = await Promise.all([
    findVersions(db, ids),
    findApplicationLinks(db, ids),
    programmesOf(db, [...new Set(rows.map((r) => r.programme_id))]),
  ]);
  const scope = documentScope(actor);
  let visibleApps: Set<string> | null = null;
  if (scope !== null) {
    const all = [...new Set([...links.values()].flat())];
    visibleApps = new Set(
      all.length === 0
        ? []
        : (
            await db
              .selectFrom('applications')
              .select('id')
              .where('id', 'in', all)
              .where('programme_id', 'in', scope.length ? scope : ['00000000-0000-0000-0000-000000000000'])
              .execute()
          ).map((a) => a.id),
    );
  }
  const today = isoDay(now);
  const byDoc = new Map<string, ReturnType<typeof presentVersion>[]>();
  const views = rows.map((d) => {
    const own = versions.filter((v) => v.document_id === d.id);
    const current = own.find((v) => v.number === d.current_version);
    if (!current) throw new Error(`document ${d.id}: current version ${d.current_version} missing`);
    byDoc.set(
      d.id,
      own.map((v) => presentVersion(v, d.current_version)),
    );
    const apps = (links.get(d.id) ?? []).filter((a) => visibleApps === null || visibleApps.has(a));
    return presentDocument(d, current, programmes.get(d.programme_id)!, apps, today);
  });
  return { views, versions: byDoc };
}

export async function loadDocumentDetail(
  db: Executor,
  actor: Actor,
  row: DocumentRow,
  now: Date,
): Promise<DocumentDetailView> {
  const { views, versions } = await loadDocumentViews(db, actor, [row], now);
  return { document: views[0]!, versions: versions.get(row.id) ?? [] };
}
