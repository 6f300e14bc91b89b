import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../db/errors.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findProgramme } from '../programmes/index.ts';
import { checkedDefinition, countFields } from './definition-input.ts';
import { normaliseText } from './definition/text.ts';
import { mayActAsStaff } from './form.policy.ts';
import { insertForm, insertVersion } from './form.repository.ts';
import type { CreateFormBody, FormView } from './form.schema.ts';
import { getForm } from './get-form.ts';

/** The programme the form belongs to, and the request body. */
export type CreateFormInput = CreateFormBody & { programmeId: string };

/**
 * Creates a form of a programme with its first definition as draft version 1. The definition is
 * checked by the forms engine (problems: 400 with field-level errors, nothing stored) and its key
 * must be the form's key, unique within the programme (else `conflict`, reason `form_key_taken`).
 */
export async function createForm(ctx: Ctx, input: CreateFormInput): Promise<FormView> {
  const programme = await findProgramme(ctx.db, input.programmeId);
  if (!programme || !mayActAsStaff(ctx.actor, programme.id)) throw notFound('programme');
  const title = normaliseText(input.title, false);
  if (!title.ok || !title.value)
    throw validationError('invalid title', [
      { path: '/title', message: 'is blank or has control characters' },
    ]);
  const definition = checkedDefinition(input.definition, input.key);
  const id = randomUUID();
  const versionId = randomUUID();
  const now = ctx.now();
  const by = actorRef(ctx.actor);
  try {
    await inTransaction(ctx.db, async (tx) => {
      await insertForm(tx, {
        id,
        programme_id: programme.id,
        key: input.key,
        title: title.value,
        created_at: now,
        created_by: by,
      });
      await insertVersion(tx, {
        id: versionId,
        form_id: id,
        version: 1,
        definition: JSON.stringify(definition),
        status: 'draft',
        created_at: now,
        created_by: by,
      });
      await appendAudit(tx, ctx, {
        type: 'form.created',
        target: { type: 'form', id },
        payload: { programmeId: programme.id, key: input.key, versionId, fields: countFields(definition) },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('conflict', 'the programme has a form with this key', {
        reason: 'form_key_taken',
        fields: ['key'],
      });
    throw err;
  }
  return getForm(ctx, id);
}
