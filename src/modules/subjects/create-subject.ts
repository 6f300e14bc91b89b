import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { canSeeProgramme } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findProgramme } from '../programmes/index.ts';
import { subjectScope } from './find-visible-subject.ts';
import { identifierIndex, openIdentifiers, sealIdentifiers } from './subject.identifiers.ts';
import { Disclosure } from './sensitive-fields.ts';
import { subjectAbilities } from './subject.policy.ts';
import { presentSubject } from './subject.presenter.ts';
import { assertValidSubject, compactProfile, deriveColumns, type Profile } from './subject.profile.ts';
import {
  findDuplicateHits,
  insertSubject,
  listIdentifiers,
  type DuplicateHit,
} from './subject.repository.ts';
import type {
  CreateSubjectBody,
  DuplicateView,
  IdentityDocumentInput,
  SubjectView,
} from './subject.schema.ts';

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
  const { kind, identityDocuments, ignoreDuplicates, programmeId, ...rest } = input;
  const scope = subjectScope(ctx.actor);
  if (programmeId === undefined && scope !== null)
    throw validationError('programmeId is required', [
      { path: 'programmeId', message: 'required for an actor limited to some programmes' },
    ]);
  const docs: IdentityDocumentInput[] = identityDocuments ?? [];
  const profile = compactProfile(rest) as Profile;
  const now = ctx.now();
  assertValidSubject(kind, profile, docs, now);
  const columns = deriveColumns(kind, profile);
  const id = randomUUID();

  return inTransaction(ctx.db, async (tx) => {
    if (programmeId !== undefined) {
      const programme = await findProgramme(tx, programmeId);
      if (!programme || !canSeeProgramme(ctx.actor, programme.id))
        throw validationError('unknown programme', [{ path: 'programmeId', message: 'no such programme' }]);
    }
    const hits = await findDuplicateHits(
      tx,
      {
        kind,
        nameKey: columns.name_key,
        dateOfBirth: columns.date_of_birth,
        jurisdiction: columns.jurisdiction,
        registrationNumber: columns.registration_number,
        lei: columns.lei,
        identifierIndexes: docs.map((d) => identifierIndex(ctx.keyring, d)),
      },
      scope,
    );
    const duplicates = groupDuplicates(hits);
    if (duplicates.length && !ignoreDuplicates) {
      throw new AppError(
        'probable_duplicate',
        'probable duplicates exist; reuse one or resend with ignoreDuplicates',
        {
          duplicates,
        },
      );
    }
    const row = await insertSubject(tx, {
      id,
      kind,
      ...columns,
      profile: JSON.stringify(profile),
      programme_id: programmeId ?? null,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    const sealed = sealIdentifiers(ctx.keyring, id, docs);
    if (sealed.length) await tx.insertInto('subject_identifiers').values(sealed).execute();
    await appendAudit(tx, ctx, {
      type: 'subject.created',
      target: { type: 'subject', id },
      payload: { kind, programmeId: programmeId ?? null, ignoredDuplicates: duplicates.map((d) => d.id) },
    });
    return {
      subject: presentSubject(
        row,
        openIdentifiers(ctx.keyring, id, await listIdentifiers(tx, id)),
        new Disclosure(false),
        subjectAbilities(ctx.actor),
      ),
    };
  });
}

function groupDuplicates(hits: DuplicateHit[]): DuplicateView[] {
  const byId = new Map<string, DuplicateView>();
  for (const h of hits) {
    const d = byId.get(h.id) ?? { id: h.id, kind: h.kind, displayName: h.display_name, reasons: [] };
    if (!d.reasons.includes(h.reason)) d.reasons.push(h.reason);
    byId.set(h.id, d);
  }
  return [...byId.values()].sort(
    (a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id),
  );
}
