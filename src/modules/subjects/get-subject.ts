import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { assertMayReveal, auditReveal, type RevealOrigin } from './reveal-sensitive-fields.ts';
import { Disclosure } from './sensitive-fields.ts';
import { openIdentifiers } from './subject.identifiers.ts';
import { subjectAbilities } from './subject.policy.ts';
import { presentSubject } from './subject.presenter.ts';
import { findSubjectWithIdentifiers } from './subject.repository.ts';
import { seesBasicsOnly, subjectScope, visibleSubjectIds } from './find-visible-subject.ts';
import type { SubjectView } from './subject.schema.ts';

export interface GetSubjectInput {
  id: string;
  /** The sensitive fields in clear: needs `subject:reveal-identifiers` (403 otherwise); audited. */
  reveal?: boolean | undefined;
  /** Where the clear view was asked for, recorded when it is refused. */
  origin?: RevealOrigin | undefined;
}

/**
 * One subject with its identity documents; the sensitive fields masked unless revealed. A subject
 * the actor may not see (find-visible-subject.ts) is a 404, like a missing one; one whose programme
 * shares only the basics with the actor shows only those (`withheld` names the rest).
 */
export async function getSubject(ctx: Ctx, input: GetSubjectInput): Promise<SubjectView> {
  const found = await findSubjectWithIdentifiers(ctx.db, input.id);
  // The hot path stays one query for an actor of every programme; a scoped actor pays one more.
  const hidden =
    found !== null &&
    subjectScope(ctx.actor) !== null &&
    !(await visibleSubjectIds(ctx.db, ctx.actor, [found.row.id])).has(found.row.id);
  if (!found || hidden) throw notFound('subject');
  const { row } = found;
  const reveal = input.reveal === true;
  if (reveal) await assertMayReveal(ctx, input.origin ?? { method: 'GET', route: 'getSubject' });
  // Seen only through an application of a programme that shares the basics: nothing else, revealed
  // or not (the audit then records no clear view, since no sensitive field is shown).
  const basicOnly = await seesBasicsOnly(ctx.db, ctx.actor, row);
  const disclosure = new Disclosure(reveal);
  const view = presentSubject(
    row,
    basicOnly ? [] : openIdentifiers(ctx.keyring, row.id, found.identifiers),
    disclosure,
    subjectAbilities(ctx.actor),
    basicOnly,
  );
  if (reveal) await auditReveal(ctx, [{ subjectId: row.id, fields: disclosure.fields() }]);
  return view;
}
