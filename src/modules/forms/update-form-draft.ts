import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { checkedDefinition, countFields } from './definition-input.ts';
import { findVisibleForm } from './form-access.ts';
import { assertFormActive } from './form.policy.ts';
import {
  findVersionInStatus,
  insertVersion,
  nextVersionNumber,
  setDraftDefinition,
} from './form.repository.ts';
import type { DraftDefinitionBody, FormView } from './form.schema.ts';
import { getForm } from './get-form.ts';

/** The form, and the new definition of its draft. */
export type UpdateFormDraftInput = DraftDefinitionBody & { id: string };

/**
 * Replaces the definition of the form's draft, or, when the form has none (its last draft was
 * published), opens the next version as a draft with this definition. The engine checks the
 * definition first: problems are a 400 with field-level errors and nothing is stored. Published
 * versions are never touched (the database refuses it too). A retired form is a `conflict`.
 */
export async function updateFormDraft(ctx: Ctx, input: UpdateFormDraftInput): Promise<FormView> {
  await inTransaction(ctx.db, async (tx) => {
    const form = await findVisibleForm(tx, ctx.actor, input.id, 'update');
    if (!form) throw notFound('form');
    assertFormActive(form);
    const definition = checkedDefinition(input.definition, form.key);
    const draft = await findVersionInStatus(tx, form.id, 'draft');
    let versionId: string;
    let version: number;
    if (draft) {
      versionId = draft.id;
      version = draft.version;
      await setDraftDefinition(tx, draft.id, definition);
    } else {
      versionId = randomUUID();
      version = await nextVersionNumber(tx, form.id);
      await insertVersion(tx, {
        id: versionId,
        form_id: form.id,
        version,
        definition: JSON.stringify(definition),
        status: 'draft',
        created_at: ctx.now(),
        created_by: actorRef(ctx.actor),
      });
    }
    await appendAudit(tx, ctx, {
      type: 'form.draft_updated',
      target: { type: 'form', id: form.id },
      payload: { versionId, version, fields: countFields(definition), started: !draft },
    });
  });
  return getForm(ctx, input.id);
}
