import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { diffDefinitions, type FormDefinition } from './definition/index.ts';
import { findVisibleForm } from './form-access.ts';
import { findVersion } from './form.repository.ts';
import type { DiffQuery, FormDiffView } from './form.schema.ts';

/** What changed from one version of a form to another (fields added, removed, changed, reordered). */
export async function diffFormVersions(ctx: Ctx, input: DiffQuery & { id: string }): Promise<FormDiffView> {
  const form = await findVisibleForm(ctx.db, ctx.actor, input.id);
  if (!form) throw notFound('form');
  const [from, to] = await Promise.all([
    findVersion(ctx.db, form.id, input.from),
    findVersion(ctx.db, form.id, input.to),
  ]);
  if (!from || !to) throw notFound('form version');
  return {
    from: { id: from.id, version: from.version },
    to: { id: to.id, version: to.version },
    diff: diffDefinitions(from.definition as FormDefinition, to.definition as FormDefinition),
  };
}
