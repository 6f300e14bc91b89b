import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { enqueueScreeningJob } from '../screening/monitoring.ts';
import { identifierIndexValue } from './subject.normalise.ts';
import { openIdentifiers, sealIdentifiers, type OpenedIdentifier } from './subject.identifiers.ts';
import { Disclosure } from './sensitive-fields.ts';
import { subjectAbilities } from './subject.policy.ts';
import { ENTITY_FIELDS, PERSON_FIELDS, presentSubject } from './subject.presenter.ts';
import { assertValidSubject, compactProfile, deriveColumns, type Profile } from './subject.profile.ts';
import { findVisibleSubject, seesBasicsOnly } from './find-visible-subject.ts';
import { listIdentifiers, replaceIdentifiers, updateSubjectRow } from './subject.repository.ts';
import type { IdentityDocumentInput, SubjectView, UpdateSubjectBody } from './subject.schema.ts';

/** The subject to change plus the fields of the PATCH body. */
export type UpdateSubjectInput = UpdateSubjectBody & { id: string };

const PERSON_ONLY: readonly string[] = PERSON_FIELDS;
const ENTITY_ONLY: readonly string[] = ENTITY_FIELDS;

/**
 * Partially updates a subject under optimistic locking (`version`). Identity documents, when given,
 * replace the stored list. The audit event names the changed fields, never their values. A patch that
 * changes nothing returns the subject unchanged, without a new version or event. A subject the actor
 * may not see, or sees only the basics of (its programme shares no more), is a 404.
 */
/** The fields screening looks at: a change to one of them triggers a rescreen. */
const SCREENED_FIELDS = new Set([
  'givenNames',
  'middleNames',
  'familyName',
  'fullName',
  'otherNames',
  'dateOfBirth',
  'nationalities',
  'gender',
  'registeredName',
  'tradingNames',
  'jurisdiction',
]);

export async function updateSubject(ctx: Ctx, input: UpdateSubjectInput): Promise<SubjectView> {
  const { id, version, identityDocuments, ...patch } = input;
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const row = await findVisibleSubject(tx, ctx.actor, id, { forUpdate: true });
    // Only the basics shared with this actor: readable, not editable.
    if (!row || (await seesBasicsOnly(tx, ctx.actor, row))) throw notFound('subject');
    if (row.version !== version) {
      throw new AppError('version_conflict', 'the subject was changed by someone else; reload and retry', {
        currentVersion: row.version,
      });
    }
    const foreign = Object.keys(patch).filter((k) =>
      (row.kind === 'person' ? ENTITY_ONLY : PERSON_ONLY).includes(k),
    );
    if (foreign.length) {
      throw validationError(
        `not a field of ${row.kind === 'person' ? 'a person' : 'an entity'}`,
        foreign.map((path) => ({ path, message: 'unknown field' })),
      );
    }
    const before = row.profile as Record<string, unknown>;
    const profile = compactProfile({ ...before, ...patch }) as Profile;
    const currentDocs = openIdentifiers(ctx.keyring, id, await listIdentifiers(tx, id));
    const docs: IdentityDocumentInput[] = identityDocuments ?? currentDocs.map(toInput);
    assertValidSubject(row.kind, profile, docs, now);

    const fields = Object.keys(patch).filter(
      (k) =>
        JSON.stringify(before[k] ?? null) !== JSON.stringify((profile as Record<string, unknown>)[k] ?? null),
    );
    if (identityDocuments && !sameDocuments(currentDocs.map(toInput), identityDocuments))
      fields.push('identityDocuments');
    if (fields.length === 0)
      return presentSubject(row, currentDocs, new Disclosure(false), subjectAbilities(ctx.actor));

    const updated = await updateSubjectRow(tx, id, {
      ...deriveColumns(row.kind, profile),
      profile: JSON.stringify(profile),
      version: row.version + 1,
      updated_at: now,
    });
    if (fields.includes('identityDocuments'))
      await replaceIdentifiers(tx, id, sealIdentifiers(ctx.keyring, id, docs));
    // A screened subject whose screened fields changed is screened again (ongoing monitoring).
    if (row.screening_status !== 'not_screened' && fields.some((f) => SCREENED_FIELDS.has(f)))
      await enqueueScreeningJob(tx, { kind: 'rescreen_subject', subjectId: id }, now);
    await appendAudit(tx, ctx, {
      type: 'subject.updated',
      target: { type: 'subject', id },
      payload: { fields: fields.sort(), version: updated.version },
    });
    return presentSubject(
      updated,
      openIdentifiers(ctx.keyring, id, await listIdentifiers(tx, id)),
      new Disclosure(false),
      subjectAbilities(ctx.actor),
    );
  });
}

function toInput(d: OpenedIdentifier): IdentityDocumentInput {
  return {
    type: d.type,
    number: d.number,
    country: d.country ?? '',
    ...(d.issuedOn ? { issuedOn: d.issuedOn } : {}),
    ...(d.expiresOn ? { expiresOn: d.expiresOn } : {}),
  };
}

/** Same documents in the same order, compared as the blind index compares numbers. */
function sameDocuments(a: IdentityDocumentInput[], b: IdentityDocumentInput[]): boolean {
  const key = (d: IdentityDocumentInput) =>
    `${identifierIndexValue(d)}|${d.issuedOn ?? ''}|${d.expiresOn ?? ''}`;
  return a.length === b.length && a.every((d, i) => key(d) === key(b[i]!));
}
