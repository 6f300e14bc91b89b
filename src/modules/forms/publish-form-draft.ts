import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { checkedDefinition } from './definition-input.ts';
import { findVisibleForm } from './form-access.ts';
import { assertFormActive } from './form.policy.ts';
import { findVersionInStatus, publishVersion } from './form.repository.ts';
import type { FormView } from './form.schema.ts';
import { getForm } from './get-form.ts';

/**
 * Publishes the form's draft: it is frozen from now on (the database refuses any change to it) and
 * becomes the version new questionnaires are answered against; the previously published version is
 * marked retired (superseded), and assignments already pinned to it keep answering it. Without a
 * draft: `conflict` (reason `no_draft`).
 */
export async function publishFormDraft(ctx: Ctx, id: string): Promise<FormView> {
  await inTransaction(ctx.db, async (tx) => {
    const form = await findVisibleForm(tx, ctx.actor, id, 'update');
    if (!form) throw notFound('form');
    assertFormActive(form);
    const draft = await findVersionInStatus(tx, form.id, 'draft');
    if (!draft) throw new AppError('conflict', 'the form has no draft to publish', { reason: 'no_draft' });
    // Checked on every save; checked again so that nothing the engine refuses is ever frozen.
    checkedDefinition(draft.definition, form.key);
    const previous = await findVersionInStatus(tx, form.id, 'published');
    await publishVersion(tx, draft.id, previous?.id ?? null, ctx.now(), actorRef(ctx.actor));
    await appendAudit(tx, ctx, {
      type: 'form.published',
      target: { type: 'form', id: form.id },
      payload: { versionId: draft.id, version: draft.version, superseded: previous?.id ?? null },
    });
  });
  return getForm(ctx, id);
}
