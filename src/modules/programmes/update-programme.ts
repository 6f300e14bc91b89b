import { isUniqueViolation } from '../../db/errors.ts';
import type { Updateable } from 'kysely';
import { inTransaction } from '../../db/transaction.ts';
import type { ProgrammesTable } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { canSeeProgramme } from '../access/actor.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { nameConflict } from './create-programme.ts';
import { checkedDocumentTypes, checkedExtensions } from './document-policy.ts';
import { presentProgramme } from './programme.presenter.ts';
import {
  findProgramme,
  machineOf,
  programmeNameTaken,
  statusesInUse,
  updateProgrammeRow,
} from './programme.repository.ts';
import type { UpdateProgrammeBody, ProgrammeView } from './programme.schema.ts';
import { checkedStatusMachine, normaliseStatusMachine } from './status-machine.ts';

/** The programme to change and the fields to change; `version` is the one the caller last read. */
export type UpdateProgrammeInput = UpdateProgrammeBody & { id: string };

/**
 * Changes a programme under optimistic concurrency: a stale `version` is a `version_conflict`.
 * `statuses` or `transitions` alone are combined with the stored other half and the whole machine
 * is checked again. A status that applications are currently in cannot be removed (`conflict`).
 * Only fields whose value actually changes count: a patch that changes nothing is a no-op and
 * keeps the version. The audit event records each changed field's old and new value.
 */
export async function updateProgramme(ctx: Ctx, input: UpdateProgrammeInput): Promise<ProgrammeView> {
  const name = input.name?.trim();
  try {
    return await inTransaction(ctx.db, async (tx) => {
      const row = await findProgramme(tx, input.id, 'update');
      if (!row || !canSeeProgramme(ctx.actor, row.id)) throw notFound('programme');
      if (row.version !== input.version) {
        throw new AppError(
          'version_conflict',
          `the programme is at version ${row.version}, not ${input.version}`,
          { currentVersion: row.version },
        );
      }
      const patch: Updateable<ProgrammesTable> = {};
      const changes: Record<string, { from: unknown; to: unknown }> = {};

      if (name !== undefined && name !== row.name) {
        if (await programmeNameTaken(tx, name, row.id)) throw nameConflict(name);
        patch.name = name;
        changes['name'] = { from: row.name, to: name };
      }
      if (input.description !== undefined && input.description !== row.description) {
        patch.description = input.description;
        changes['description'] = { from: row.description, to: input.description };
      }
      if (input.allowedEntityTypes !== undefined) {
        const types = [...input.allowedEntityTypes].sort();
        if (!sameJson(types, [...row.allowed_entity_types].sort())) {
          patch.allowed_entity_types = types;
          changes['allowedEntityTypes'] = { from: row.allowed_entity_types, to: types };
        }
      }
      if (input.uboThreshold !== undefined && input.uboThreshold !== Number(row.ubo_threshold)) {
        if (!(input.uboThreshold > 0 && input.uboThreshold <= 100))
          throw validationError('uboThreshold must be > 0 and ≤ 100');
        patch.ubo_threshold = input.uboThreshold;
        changes['uboThreshold'] = { from: Number(row.ubo_threshold), to: input.uboThreshold };
      }
      if (input.subjectSharing !== undefined && input.subjectSharing !== row.subject_sharing) {
        patch.subject_sharing = input.subjectSharing;
        changes['subjectSharing'] = { from: row.subject_sharing, to: input.subjectSharing };
      }
      if (input.documentTypes !== undefined) {
        const types = checkedDocumentTypes(input.documentTypes);
        const kept = new Set(types.map((t) => t.code));
        const used = await tx
          .selectFrom('documents')
          .select('document_type')
          .distinct()
          .where('programme_id', '=', row.id)
          .where('deleted_at', 'is', null)
          .execute();
        const stillUsed = used.map((u) => u.document_type).filter((c) => !kept.has(c));
        if (stillUsed.length)
          throw new AppError(
            'conflict',
            `document type ${stillUsed.map((c) => `"${c}"`).join(', ')} is still used by documents`,
            { documentTypes: stillUsed },
          );
        if (!sameJson(types, row.document_types)) {
          patch.document_types = JSON.stringify(types);
          changes['documentTypes'] = { from: row.document_types, to: types };
        }
      }
      if (input.documentExtensions !== undefined) {
        const exts = checkedExtensions(input.documentExtensions);
        if (!sameJson(exts, row.document_extensions)) {
          patch.document_extensions = exts;
          changes['documentExtensions'] = { from: row.document_extensions, to: exts };
        }
      }
      if (
        input.documentExpiryNoticeDays !== undefined &&
        input.documentExpiryNoticeDays !== row.document_expiry_notice_days
      ) {
        patch.document_expiry_notice_days = input.documentExpiryNoticeDays;
        changes['documentExpiryNoticeDays'] = {
          from: row.document_expiry_notice_days,
          to: input.documentExpiryNoticeDays,
        };
      }
      if (input.screeningProfile !== undefined && !sameJson(input.screeningProfile, row.screening_profile)) {
        patch.screening_profile = JSON.stringify(input.screeningProfile);
        changes['screeningProfile'] = { from: row.screening_profile, to: input.screeningProfile };
      }
      if (input.statuses !== undefined || input.transitions !== undefined) {
        const stored = machineOf(row);
        const machine = checkedStatusMachine({
          statuses: input.statuses ?? stored.statuses,
          transitions: input.transitions ?? stored.transitions,
        });
        const keys = new Set(machine.statuses.map((s) => s.key));
        const removed = stored.statuses.map((s) => s.key).filter((k) => !keys.has(k));
        // The programme row is locked, and application writers hold it FOR SHARE, so no application
        // can move into a removed status between this check and the commit.
        const inUse = await statusesInUse(tx, row.id, removed);
        if (inUse.length) {
          throw new AppError(
            'conflict',
            `status ${inUse.map((s) => `"${s}"`).join(', ')} is still used by applications`,
            { statuses: inUse },
          );
        }
        const storedNormalised = normaliseStatusMachine(stored);
        if (!sameJson(machine.statuses, storedNormalised.statuses)) {
          patch.statuses = JSON.stringify(machine.statuses);
          changes['statuses'] = { from: storedNormalised.statuses, to: machine.statuses };
        }
        if (!sameJson(machine.transitions, storedNormalised.transitions)) {
          patch.transitions = JSON.stringify(machine.transitions);
          changes['transitions'] = { from: storedNormalised.transitions, to: machine.transitions };
        }
      }
      if (Object.keys(changes).length === 0) return presentProgramme(row);

      const version = row.version + 1;
      const updated = await updateProgrammeRow(tx, row.id, { ...patch, version, updated_at: ctx.now() });
      await appendAudit(tx, ctx, {
        type: 'programme.updated',
        target: { type: 'programme', id: row.id },
        payload: { changes, version },
      });
      return presentProgramme(updated);
    });
  } catch (err) {
    if (isUniqueViolation(err) && name !== undefined) throw nameConflict(name);
    throw err;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
