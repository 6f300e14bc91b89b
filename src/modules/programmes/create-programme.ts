import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import { actorRef, programmeScope } from '../access/actor.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { checkedDocumentTypes, checkedExtensions } from './document-policy.ts';
import { presentProgramme } from './programme.presenter.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { insertProgramme, programmeNameTaken } from './programme.repository.ts';
import type { CreateProgrammeBody, ProgrammeView } from './programme.schema.ts';
import { checkedStatusMachine, defaultStatusMachine } from './status-machine.ts';

/** What a programme is created from: the request body, already schema-checked. */
export type CreateProgrammeInput = CreateProgrammeBody;

export const DEFAULT_UBO_THRESHOLD = 25;

/**
 * A creator who does not see every programme sees the one they create: a staff user becomes its
 * member, an API key gets it added to its programmes.
 */
async function joinCreatedProgramme(tx: Tx, ctx: Ctx, programmeId: string, now: Date): Promise<void> {
  const actor = ctx.actor;
  if (programmeScope(actor) === 'all') return;
  if (actor.kind === 'staff')
    await tx
      .insertInto('programme_members')
      .values({ programme_id: programmeId, user_id: actor.id, created_at: now, created_by: actorRef(actor) })
      .execute();
  else if (actor.kind === 'api_key')
    await tx
      .updateTable('api_keys')
      .set({ programme_ids: sql<string[]>`array_append(programme_ids, ${programmeId}::uuid)` })
      .where('id', '=', actor.id)
      .execute();
}

/**
 * Creates a programme. Without `statuses` and `transitions` it gets {@link defaultStatusMachine};
 * giving only one of the two is refused, since a machine is only meaningful as a whole.
 * A name already used (ignoring case) is a `conflict`.
 */
export async function createProgramme(ctx: Ctx, input: CreateProgrammeInput): Promise<ProgrammeView> {
  if ((input.statuses === undefined) !== (input.transitions === undefined)) {
    throw validationError('statuses and transitions are given together or not at all', [
      { path: input.statuses ? 'transitions' : 'statuses', message: 'required with the other' },
    ]);
  }
  const machine = checkedStatusMachine(
    input.statuses && input.transitions
      ? { statuses: input.statuses, transitions: input.transitions }
      : defaultStatusMachine(),
  );
  const uboThreshold = input.uboThreshold ?? DEFAULT_UBO_THRESHOLD;
  if (!(uboThreshold > 0 && uboThreshold <= 100)) throw validationError('uboThreshold must be > 0 and ≤ 100');
  const name = input.name.trim();
  const now = ctx.now();
  try {
    return await inTransaction(ctx.db, async (tx) => {
      if (await programmeNameTaken(tx, name)) throw nameConflict(name);
      const row = await insertProgramme(tx, {
        id: randomUUID(),
        name,
        description: input.description ?? '',
        allowed_entity_types: [...input.allowedEntityTypes].sort(),
        statuses: JSON.stringify(machine.statuses),
        transitions: JSON.stringify(machine.transitions),
        ubo_threshold: uboThreshold,
        subject_sharing: input.subjectSharing ?? 'full',
        ...(input.documentTypes
          ? { document_types: JSON.stringify(checkedDocumentTypes(input.documentTypes)) }
          : {}),
        ...(input.documentExtensions !== undefined
          ? { document_extensions: checkedExtensions(input.documentExtensions) }
          : {}),
        ...(input.documentExpiryNoticeDays !== undefined
          ? { document_expiry_notice_days: input.documentExpiryNoticeDays }
          : {}),
        ...(input.screeningProfile ? { screening_profile: JSON.stringify(input.screeningProfile) } : {}),
        version: 1,
        created_at: now,
        updated_at: now,
      });
      await joinCreatedProgramme(tx, ctx, row.id, now);
      await appendAudit(tx, ctx, {
        type: 'programme.created',
        target: { type: 'programme', id: row.id },
        payload: {
          name: row.name,
          allowedEntityTypes: row.allowed_entity_types,
          uboThreshold: Number(row.ubo_threshold),
          subjectSharing: row.subject_sharing,
        },
      });
      return presentProgramme(row);
    });
  } catch (err) {
    // Two creations with the same name can both pass the check; the unique index decides.
    if (isUniqueViolation(err)) throw nameConflict(name);
    throw err;
  }
}

export function nameConflict(name: string): AppError {
  return new AppError('conflict', `a programme named "${name}" already exists`);
}
