import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { nameActors } from './actor-names.ts';
import { findVisibleForm } from './form-access.ts';
import { presentVersionSummary } from './form.presenter.ts';
import { findVersion } from './form.repository.ts';
import type { FormVersionView } from './form.schema.ts';

/** One version of a form, with its definition. */
export async function getFormVersion(
  ctx: Ctx,
  input: { id: string; version: number },
): Promise<FormVersionView> {
  const form = await findVisibleForm(ctx.db, ctx.actor, input.id);
  if (!form) throw notFound('form');
  const v = await findVersion(ctx.db, form.id, input.version);
  if (!v) throw notFound('form version');
  const name = await nameActors(ctx.db, [v.created_by, v.published_by]);
  return { ...presentVersionSummary(v, name), formId: form.id, definition: v.definition };
}
