/**
 * The subjects module's writes at transaction level, WITHOUT any actor check. The staff use cases
 * (create-subject.ts, update-subject.ts, create-relationship.ts, delete-relationship.ts) call them
 * after checking the actor's rights and programme visibility; the client portal (clients/cot) calls
 * them after checking that the application is the client organisation's, and passes the programme
 * explicitly. Either way the same validation, normalisation, identifier encryption and audit events
 * apply, with `ctx.actor` recorded as the actor. Never call these from a route without doing the
 * caller's own access check first.
 */
import { randomUUID } from 'node:crypto';
import type { Executor, Tx } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { enqueueScreeningJob } from '../screening/monitoring.ts';
import { presentRelationship } from './relationship.presenter.ts';
import {
  deleteRelationshipRow,
  insertRelationship,
  relationshipExists,
  totalShareUnits,
  type RelationshipRow,
} from './relationship.repository.ts';
import type { RelationshipKind, RelationshipView } from './relationship.schema.ts';
import {
  identifierIndex,
  openIdentifiers,
  sealIdentifiers,
  type OpenedIdentifier,
} from './subject.identifiers.ts';
import { identifierIndexValue } from './subject.normalise.ts';
import { ENTITY_FIELDS, PERSON_FIELDS } from './subject.presenter.ts';
import {
  assertValidSubject,
  compactProfile,
  deriveColumns,
  type DerivedColumns,
  type Profile,
} from './subject.profile.ts';
import {
  findDuplicateHits,
  findSubject,
  insertSubject,
  listIdentifiers,
  replaceIdentifiers,
  updateSubjectRow,
  type DuplicateHit,
  type SubjectRow,
  type SubjectScope,
} from './subject.repository.ts';
import type {
  CreateEntityBody,
  CreatePersonBody,
  DuplicateView,
  IdentityDocumentInput,
  SubjectKind,
  UpdateSubjectBody,
} from './subject.schema.ts';

/** A person or an entity as in the create body, without the staff-only options. */
export type NewSubjectInput =
  | Omit<CreatePersonBody, 'ignoreDuplicates' | 'programmeId'>
  | Omit<CreateEntityBody, 'ignoreDuplicates' | 'programmeId'>;

/** A validated new subject: the stored profile, its identity documents and derived columns. */
export interface PreparedSubject {
  kind: SubjectKind;
  profile: Profile;
  docs: IdentityDocumentInput[];
  columns: DerivedColumns;
}

/** Validates and normalises a new subject (400 listing every broken rule); nothing is written. */
export function prepareNewSubject(input: NewSubjectInput, now: Date): PreparedSubject {
  // The staff body's options are not profile fields: never stored, whoever passes them.
  const {
    kind,
    identityDocuments,
    ignoreDuplicates: _ignore,
    programmeId: _programme,
    ...rest
  } = input as NewSubjectInput & { ignoreDuplicates?: unknown; programmeId?: unknown };
  const docs: IdentityDocumentInput[] = identityDocuments ?? [];
  const profile = compactProfile(rest) as Profile;
  assertValidSubject(kind, profile, docs, now);
  return { kind, profile, docs, columns: deriveColumns(kind, profile) };
}

/**
 * The probable duplicates of a prepared subject among the subjects of `scope` (null: every subject),
 * one entry per subject with every reason it matched, sorted by name.
 */
export async function findProbableDuplicates(
  tx: Executor,
  keyring: Keyring,
  s: PreparedSubject,
  scope: SubjectScope,
): Promise<DuplicateView[]> {
  const hits = await findDuplicateHits(
    tx,
    {
      kind: s.kind,
      nameKey: s.columns.name_key,
      dateOfBirth: s.columns.date_of_birth,
      jurisdiction: s.columns.jurisdiction,
      registrationNumber: s.columns.registration_number,
      lei: s.columns.lei,
      identifierIndexes: s.docs.map((d) => identifierIndex(keyring, d)),
    },
    scope,
  );
  return groupDuplicates(hits);
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

/**
 * Inserts a prepared subject in `programmeId` with its encrypted identifiers and writes
 * `subject.created` (the ids of the duplicates knowingly created past go in `ignoredDuplicates`).
 */
export async function insertPreparedSubject(
  tx: Tx,
  ctx: Ctx,
  s: PreparedSubject,
  opts: { id?: string; programmeId: string | null; ignoredDuplicates: string[] },
): Promise<{ row: SubjectRow; identifiers: OpenedIdentifier[] }> {
  const id = opts.id ?? randomUUID();
  const now = ctx.now();
  const row = await insertSubject(tx, {
    id,
    kind: s.kind,
    ...s.columns,
    profile: JSON.stringify(s.profile),
    programme_id: opts.programmeId,
    version: 1,
    created_at: now,
    updated_at: now,
  });
  const sealed = sealIdentifiers(ctx.keyring, id, s.docs);
  if (sealed.length) await tx.insertInto('subject_identifiers').values(sealed).execute();
  await appendAudit(tx, ctx, {
    type: 'subject.created',
    target: { type: 'subject', id },
    payload: { kind: s.kind, programmeId: opts.programmeId, ignoredDuplicates: opts.ignoredDuplicates },
  });
  return { row, identifiers: openIdentifiers(ctx.keyring, id, await listIdentifiers(tx, id)) };
}

/** The subject row, locked for update (null when missing). No visibility check. */
export async function lockSubject(tx: Tx, id: string): Promise<SubjectRow | null> {
  return findSubject(tx, id, { forUpdate: true });
}

/** The fields of a partial update, without the optimistic-lock version. */
export type SubjectPatch = Omit<UpdateSubjectBody, 'version'>;

const PERSON_ONLY: readonly string[] = PERSON_FIELDS;
const ENTITY_ONLY: readonly string[] = ENTITY_FIELDS;

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

/**
 * Applies a partial update to a subject row the caller loaded (and locked): fields of the other kind
 * are a 400, the result is validated as a whole, identity documents (when given) replace the list.
 * The audit event `subject.updated` names the changed fields, never their values; a patch that
 * changes nothing writes nothing and returns the row as it was (`fields` empty). A screened subject
 * whose screened fields changed is queued for rescreening.
 */
export async function patchSubject(
  tx: Tx,
  ctx: Ctx,
  row: SubjectRow,
  input: SubjectPatch,
): Promise<{ row: SubjectRow; fields: string[]; identifiers: OpenedIdentifier[] }> {
  const { identityDocuments, ...patch } = input;
  const id = row.id;
  const now = ctx.now();
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
  if (fields.length === 0) return { row, fields, identifiers: currentDocs };

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
  return {
    row: updated,
    fields,
    identifiers: openIdentifiers(ctx.keyring, id, await listIdentifiers(tx, id)),
  };
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

/** Percentages in ten-thousandths (numeric(7,4) holds four decimals). */
export const SHARE_UNITS = 10_000;

/** Percent as ten-thousandths, refusing more precision than numeric(7,4) keeps. */
export function toShareUnits(value: number, path: string): number {
  const units = Math.round(value * SHARE_UNITS);
  if (Math.abs(value * SHARE_UNITS - units) > 1e-6)
    throw validationError('invalid relationship', [{ path, message: 'at most 4 decimals' }]);
  return units;
}

/** A relationship to insert between two subject rows the caller loaded (the held one locked). */
export interface CheckedRelationship {
  from: SubjectRow;
  to: SubjectRow;
  kind: RelationshipKind;
  /** Ten-thousandths of a percent; shareholders only. */
  shareUnits: number | null;
  votingUnits: number | null;
  title?: string | null | undefined;
}

/**
 * Inserts a relationship after the rules that need the database: the held side is a legal entity,
 * a declared UBO is a natural person, the relationship does not exist yet (409), and the direct
 * shares held in the entity stay at most 100% (409). Writes `relationship.created`.
 */
export async function insertCheckedRelationship(
  tx: Tx,
  ctx: Ctx,
  r: CheckedRelationship,
): Promise<RelationshipView> {
  if (r.to.kind !== 'entity')
    throw validationError('invalid relationship', [
      { path: 'toSubjectId', message: 'must be a legal entity' },
    ]);
  if (r.kind === 'ubo' && r.from.kind !== 'person') {
    throw validationError('invalid relationship', [
      { path: 'fromSubjectId', message: 'a UBO must be a natural person' },
    ]);
  }
  if (await relationshipExists(tx, r.from.id, r.to.id, r.kind))
    throw new AppError('conflict', `this ${r.kind} relationship already exists`);
  if (r.shareUnits !== null && (await totalShareUnits(tx, r.to.id)) + r.shareUnits > 100 * SHARE_UNITS) {
    throw new AppError('conflict', 'the direct shareholdings in this entity would exceed 100%');
  }
  const row = await insertRelationship(tx, {
    id: randomUUID(),
    from_subject_id: r.from.id,
    to_subject_id: r.to.id,
    kind: r.kind,
    share_pct: r.shareUnits === null ? null : (r.shareUnits / SHARE_UNITS).toFixed(4),
    voting_pct: r.votingUnits === null ? null : (r.votingUnits / SHARE_UNITS).toFixed(4),
    title: r.title ?? null,
    created_at: ctx.now(),
  });
  const view = presentRelationship(row);
  await appendAudit(tx, ctx, {
    type: 'relationship.created',
    target: { type: 'relationship', id: row.id },
    payload: {
      from: r.from.id,
      to: r.to.id,
      kind: r.kind,
      sharePct: view.sharePct,
      votingPct: view.votingPct,
    },
  });
  return view;
}

/** Deletes a relationship row the caller loaded; `relationship.deleted` keeps what it was. */
export async function removeRelationship(tx: Tx, ctx: Ctx, row: RelationshipRow): Promise<RelationshipView> {
  await deleteRelationshipRow(tx, row.id);
  const view = presentRelationship(row);
  await appendAudit(tx, ctx, {
    type: 'relationship.deleted',
    target: { type: 'relationship', id: row.id },
    payload: {
      from: row.from_subject_id,
      to: row.to_subject_id,
      kind: row.kind,
      sharePct: view.sharePct,
      votingPct: view.votingPct,
    },
  });
  return view;
}
