import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { identifierIndex, openIdentifiers, sealIdentifiers } from './subject.identifiers.ts';
import { Disclosure } from './sensitive-fields.ts';
import { mayRevealSensitiveFields } from './subject.policy.ts';
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
 * Creates a subject. When probable duplicates exist (same identity document, LEI or registration
 * number, or same name with the same date of birth / jurisdiction) nothing is created and a 409
 * `probable_duplicate` lists them, unless `ignoreDuplicates` is set; their ids are then audited.
 * Returns `{ subject }`, the body of the 201 response.
 */
export async function createSubject(ctx: Ctx, input: CreateSubjectInput): Promise<{ subject: SubjectView }> {
  const { kind, identityDocuments, ignoreDuplicates, ...rest } = input;
  const docs: IdentityDocumentInput[] = identityDocuments ?? [];
  const profile = compactProfile(rest) as Profile;
  const now = ctx.now();
  assertValidSubject(kind, profile, docs, now);
  const columns = deriveColumns(kind, profile);
  const id = randomUUID();

  return inTransaction(ctx.db, async (tx) => {
    const hits = await findDuplicateHits(tx, {
      kind,
      nameKey: columns.name_key,
      dateOfBirth: columns.date_of_birth,
      jurisdiction: columns.jurisdiction,
      registrationNumber: columns.registration_number,
      lei: columns.lei,
      identifierIndexes: docs.map((d) => identifierIndex(ctx.keyring, d)),
    });
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
      version: 1,
      created_at: now,
      updated_at: now,
    });
    const sealed = sealIdentifiers(ctx.keyring, id, docs);
    if (sealed.length) await tx.insertInto('subject_identifiers').values(sealed).execute();
    await appendAudit(tx, ctx, {
      type: 'subject.created',
      target: { type: 'subject', id },
      payload: { kind, ignoredDuplicates: duplicates.map((d) => d.id) },
    });
    return {
      subject: presentSubject(
        row,
        openIdentifiers(ctx.keyring, id, await listIdentifiers(tx, id)),
        new Disclosure(false),
        mayRevealSensitiveFields(ctx.actor),
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
