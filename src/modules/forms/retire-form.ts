import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleForm } from './form-access.ts';
import { assertFormActive } from './form.policy.ts';
import { retireFormRow } from './form.repository.ts';
import type { FormView } from './form.schema.ts';
import { getForm } from './get-form.ts';

/**
 * Retires a form: it takes no new draft, publication or assignment. Questionnaires already given
 * stay answerable against their version, and every version and answer is kept.
 */
export async function retireForm(ctx: Ctx, id: string): Promise<FormView> {
  await inTransaction(ctx.db, async (tx) => {
    const form = await findVisibleForm(tx, ctx.actor, id, 'update');
    if (!form) throw notFound('form');
    assertFormActive(form);
    await retireFormRow(tx, form.id, ctx.now(), actorRef(ctx.actor));
    await appendAudit(tx, ctx, {
      type: 'form.retired',
      target: { type: 'form', id: form.id },
      payload: { programmeId: form.programme_id, key: form.key },
    });
  });
  return getForm(ctx, id);
}
