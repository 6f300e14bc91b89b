import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { nameActors } from './actor-names.ts';
import { findVisibleForm } from './form-access.ts';
import { presentVersionSummary } from './form.presenter.ts';
import { findVersionInStatus, listVersionRows } from './form.repository.ts';
import type { FormView } from './form.schema.ts';

/**
 * One form with its versions (newest first, without definitions) and the definitions of its draft
 * and of its published version; `not_found` when there is none or the actor may not see its programme.
 */
export async function getForm(ctx: Ctx, id: string): Promise<FormView> {
  const form = await findVisibleForm(ctx.db, ctx.actor, id);
  if (!form) throw notFound('form');
  const [versions, draft, published] = await Promise.all([
    listVersionRows(ctx.db, form.id),
    findVersionInStatus(ctx.db, form.id, 'draft'),
    findVersionInStatus(ctx.db, form.id, 'published'),
  ]);
  const name = await nameActors(ctx.db, [
    form.created_by,
    form.retired_by,
    ...versions.flatMap((v) => [v.created_by, v.published_by]),
  ]);
  return {
    id: form.id,
    programmeId: form.programme_id,
    key: form.key,
    title: form.title,
    createdAt: form.created_at.toISOString(),
    createdBy: name(form.created_by),
    retiredAt: form.retired_at ? form.retired_at.toISOString() : null,
    retiredBy: form.retired_by ? name(form.retired_by) : null,
    draftVersion: draft?.version ?? null,
    publishedVersion: published?.version ?? null,
    versions: versions.map((v) => presentVersionSummary(v, name)),
    draft: draft ? { id: draft.id, version: draft.version, definition: draft.definition } : null,
    published: published
      ? { id: published.id, version: published.version, definition: published.definition }
      : null,
  };
}
