import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { canSeeProgramme } from '../access/actor.ts';
import { findProgramme } from '../programmes/index.ts';
import { subjectScope } from './find-visible-subject.ts';
import { Disclosure } from './sensitive-fields.ts';
import { subjectAbilities } from './subject.policy.ts';
import { presentSubject } from './subject.presenter.ts';
import type { CreateSubjectBody, SubjectView } from './subject.schema.ts';
import { findProbableDuplicates, insertPreparedSubject, prepareNewSubject } from './subject.writes.ts';

/** A person or an entity, as in the create body (`kind` selects which). */
export type CreateSubjectInput = CreateSubjectBody;

/**
 * Creates a subject in a programme (`programmeId`: required for an actor limited to some
 * programmes, and one the actor sees; an unknown or foreign programme is the same 400). When probable
 * duplicates exist (same identity document, LEI or registration number, or same name with the same
 * date of birth / jurisdiction) nothing is created and a 409 `probable_duplicate` lists them, unless
 * `ignoreDuplicates` is set; their ids are then audited. Only subjects the actor may see count as
 * duplicates: the check never reveals another programme's subject, at the price that a scoped user may
 * create a second record of a person another programme already holds (an all-programme administrator
 * sees both, and the blind index still matches them). Returns `{ subject }`, the body of the 201 response.
 */
export async function createSubject(ctx: Ctx, input: CreateSubjectInput): Promise<{ subject: SubjectView }> {
  const { ignoreDuplicates, programmeId } = input;
  const scope = subjectScope(ctx.actor);
  if (programmeId === undefined && scope !== null)
    throw validationError('programmeId is required', [
      { path: 'programmeId', message: 'required for an actor limited to some programmes' },
    ]);
  const prepared = prepareNewSubject(input, ctx.now());

  return inTransaction(ctx.db, async (tx) => {
    if (programmeId !== undefined) {
      const programme = await findProgramme(tx, programmeId);
      if (!programme || !canSeeProgramme(ctx.actor, programme.id))
        throw validationError('unknown programme', [{ path: 'programmeId', message: 'no such programme' }]);
    }
    const duplicates = await findProbableDuplicates(tx, ctx.keyring, prepared, scope);
    if (duplicates.length && !ignoreDuplicates) {
      throw new AppError(
        'probable_duplicate',
        'probable duplicates exist; reuse one or resend with ignoreDuplicates',
        {
          duplicates,
        },
      );
    }
    const { row, identifiers } = await insertPreparedSubject(tx, ctx, prepared, {
      programmeId: programmeId ?? null,
      ignoredDuplicates: duplicates.map((d) => d.id),
    });
    return {
      subject: presentSubject(row, identifiers, new Disclosure(false), subjectAbilities(ctx.actor)),
    };
  });
}
