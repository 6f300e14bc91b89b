import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { countFields } from './definition-input.ts';
import type { FormDefinition } from './definition/index.ts';
import { findVisibleForm } from './form-access.ts';
import { assertFormActive } from './form.policy.ts';
import { findVersionInStatus, insertVersion, nextVersionNumber } from './form.repository.ts';
import type { FormView } from './form.schema.ts';
import { getForm } from './get-form.ts';

/**
 * Opens the next version of a form as a draft, starting from the published version's definition.
 * A form has one draft at a time: if it has one already, `conflict` (reason `draft_exists`).
 */
export async function startFormDraft(ctx: Ctx, id: string): Promise<FormView> {
  await inTransaction(ctx.db, async (tx) => {
    const form = await findVisibleForm(tx, ctx.actor, id, 'update');
    if (!form) throw notFound('form');
    assertFormActive(form);
    if (await findVersionInStatus(tx, form.id, 'draft'))
      throw new AppError('conflict', 'the form has a draft already', { reason: 'draft_exists' });
    // Without a draft, a form always has a published version: drafts only end by being published.
    const published = await findVersionInStatus(tx, form.id, 'published');
    if (!published)
      throw new AppError('conflict', 'the form has no published version', { reason: 'not_published' });
    const versionId = randomUUID();
    const version = await nextVersionNumber(tx, form.id);
    await insertVersion(tx, {
      id: versionId,
      form_id: form.id,
      version,
      definition: JSON.stringify(published.definition),
      status: 'draft',
      created_at: ctx.now(),
      created_by: actorRef(ctx.actor),
    });
    await appendAudit(tx, ctx, {
      type: 'form.draft_updated',
      target: { type: 'form', id: form.id },
      payload: {
        versionId,
        version,
        fields: countFields(published.definition as FormDefinition),
        started: true,
      },
    });
  });
  return getForm(ctx, id);
}
