import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { Disclosure } from './sensitive-fields.ts';
import { subjectAbilities } from './subject.policy.ts';
import { presentSubject } from './subject.presenter.ts';
import { findVisibleSubject, seesBasicsOnly } from './find-visible-subject.ts';
import type { SubjectView, UpdateSubjectBody } from './subject.schema.ts';
import { patchSubject } from './subject.writes.ts';

/** The subject to change plus the fields of the PATCH body. */
export type UpdateSubjectInput = UpdateSubjectBody & { id: string };

/**
 * Partially updates a subject under optimistic locking (`version`). Identity documents, when given,
 * replace the stored list. The audit event names the changed fields, never their values. A patch that
 * changes nothing returns the subject unchanged, without a new version or event. A subject the actor
 * may not see, or sees only the basics of (its programme shares no more), is a 404. The rules of the
 * change itself (and the rescreen of a screened subject): `patchSubject` (subject.writes.ts).
 */
export async function updateSubject(ctx: Ctx, input: UpdateSubjectInput): Promise<SubjectView> {
  const { id, version, ...patch } = input;
  return inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleSubject(tx, ctx.actor, id, { forUpdate: true });
    // Only the basics shared with this actor: readable, not editable.
    if (!row || (await seesBasicsOnly(tx, ctx.actor, row))) throw notFound('subject');
    if (row.version !== version) {
      throw new AppError('version_conflict', 'the subject was changed by someone else; reload and retry', {
        currentVersion: row.version,
      });
    }
    const result = await patchSubject(tx, ctx, row, patch);
    return presentSubject(result.row, result.identifiers, new Disclosure(false), subjectAbilities(ctx.actor));
  });
}
