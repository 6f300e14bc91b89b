import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { openIdentifiers } from './subject.identifiers.ts';
import { mayRevealIdentifiers } from './subject.policy.ts';
import { presentSubject } from './subject.presenter.ts';
import { findSubjectWithIdentifiers } from './subject.repository.ts';
import type { SubjectView } from './subject.schema.ts';

export interface GetSubjectInput {
  id: string;
  /** Return identity-document numbers in full: needs `subject:reveal-identifiers`; audited. */
  revealIdentifiers?: boolean | undefined;
}

/** One subject with its identity documents (masked unless revealed). */
export async function getSubject(ctx: Ctx, input: GetSubjectInput): Promise<SubjectView> {
  const found = await findSubjectWithIdentifiers(ctx.db, input.id);
  if (!found) throw notFound('subject');
  const { row } = found;
  const reveal = input.revealIdentifiers === true;
  if (reveal && !mayRevealIdentifiers(ctx.actor)) {
    throw new AppError('forbidden', 'revealing identifiers requires the right "subject:reveal-identifiers"');
  }
  const identifiers = openIdentifiers(ctx.keyring, row.id, found.identifiers);
  if (reveal && identifiers.length) {
    await recordAudit(ctx.db, ctx, {
      type: 'subject.identifiers_revealed',
      target: { type: 'subject', id: row.id },
      payload: { count: identifiers.length },
    });
  }
  return presentSubject(row, identifiers, reveal);
}
