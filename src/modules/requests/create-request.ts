import type { Tx } from '../../db/transaction.ts';
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { NewRow } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../access/actor.ts';
import { findVisibleApplication } from '../applications/find-visible-application.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { assignForm } from '../forms/index.ts';
import { basicOnlySubjectIds } from '../subjects/find-visible-subject.ts';
import { clientFieldsFor } from './request.policy.ts';
import { presentRequest } from './request.presenter.ts';
import {
  findRequest,
  insertItems,
  insertRequest,
  listItems,
  programmeDocumentTypes,
  subjectsByIds,
  subjectsOnApplication,
} from './request.repository.ts';
import type { CreateRequestBody, RequestView } from './request.schema.ts';

export type CreateRequestInput = CreateRequestBody & { applicationId: string };

type Problem = { path: string; message: string };

/**
 * Asks the client organisation of an application the actor may see (404 otherwise; 409
 * `no_client_organisation` when the application is for none) for a set of updates by a due date in
 * the future. Every subject named must be on the application; a document type must be one of the
 * programme's that applies to the subject's kind; fields must be ones a client may supply for that
 * kind (request.policy.ts). Any of these is a 400 naming the item, and nothing is stored. A
 * questionnaire item gives the form to the application (`assignForm`, in the same transaction).
 * Audited with counts and kinds only: the title and message are not copied into the trail.
 */
export async function createRequest(ctx: Ctx, input: CreateRequestInput): Promise<RequestView> {
  const now = ctx.now();
  const dueAt = new Date(input.dueAt);
  if (Number.isNaN(dueAt.getTime()) || dueAt.getTime() <= now.getTime())
    throw validationError('the due date must be in the future', [
      { path: '/dueAt', message: 'is not in the future' },
    ]);
  // The title goes into reminder e-mails: one line, no control characters.
  if (/\p{Cc}/u.test(input.title))
    throw validationError('invalid title', [
      { path: '/title', message: 'must be one line without control characters' },
    ]);
  const id = randomUUID();
  await inTransaction(ctx.db, async (tx) => {
    const app = await findVisibleApplication(tx, ctx.actor, input.applicationId, 'update');
    if (!app) throw notFound('application');
    if (!app.client_organisation_id)
      throw new AppError('conflict', 'the application is not for a client organisation', {
        reason: 'no_client_organisation',
      });
    const named = input.items.flatMap((i) => (i.subjectId ? [i.subjectId] : []));
    const onApp = await subjectsOnApplication(tx, app.id, named);
    const subjects = await subjectsByIds(tx, [...onApp]);
    const documentTypes = await programmeDocumentTypes(tx, app.programme_id);

    // A subject owned by a programme that shares only its basics is not editable from this one.
    const inProgramme: Actor = {
      kind: 'system',
      label: 'client-request',
      rights: new Set(),
      programmes: new Set([app.programme_id]),
    };
    const basicOnly = await basicOnlySubjectIds(tx, inProgramme, [...subjects.values()]);

    const errors: Problem[] = [];
    input.items.forEach((item, i) => {
      const at = `/items/${i}`;
      if (item.subjectId === undefined) return;
      const subject = onApp.has(item.subjectId) ? subjects.get(item.subjectId) : undefined;
      if (!subject) {
        errors.push({ path: `${at}/subjectId`, message: 'is not a subject of the application' });
        return;
      }
      if (item.kind === 'document') {
        const type = documentTypes.find((t) => t.code === item.documentType);
        if (!type || !type.appliesTo.includes(subject.kind))
          errors.push({
            path: `${at}/documentType`,
            message: `is not a document type of the programme for ${subject.kind === 'person' ? 'a person' : 'an entity'}`,
          });
      }
      if (item.kind === 'fields') {
        if (basicOnly.has(subject.id))
          errors.push({
            path: `${at}/subjectId`,
            message:
              'is shared by its programme for reading only: its fields cannot be changed from this one',
          });
        const allowed: readonly string[] = clientFieldsFor(subject.kind);
        item.fields.forEach((f, j) => {
          if (!allowed.includes(f))
            errors.push({
              path: `${at}/fields/${j}`,
              message: `is not a field a client may supply for ${subject.kind === 'person' ? 'a person' : 'an entity'}`,
            });
        });
      }
    });
    if (errors.length) throw validationError('invalid request items', errors);

    await insertRequest(tx, {
      id,
      application_id: app.id,
      title: input.title.trim(),
      message: input.message ?? '',
      due_at: dueAt,
      status: 'open',
      created_by: actorRef(ctx.actor),
      created_at: now,
      updated_at: now,
    });
    const rows: NewRow<'client_request_items'>[] = [];
    for (const [i, item] of input.items.entries()) {
      const base = { id: randomUUID(), request_id: id, position: i, kind: item.kind };
      if (item.kind === 'document')
        rows.push({ ...base, subject_id: item.subjectId, document_type: item.documentType });
      else if (item.kind === 'fields')
        rows.push({ ...base, subject_id: item.subjectId, fields: item.fields });
      else {
        const assignment = await assignQuestionnaire(ctx, tx, i, {
          applicationId: app.id,
          formId: item.formId,
          subjectId: item.subjectId ?? null,
          dueAt,
        });
        rows.push({
          ...base,
          subject_id: item.subjectId ?? null,
          form_id: item.formId,
          form_assignment_id: assignment.id,
        });
      }
    }
    await insertItems(tx, rows);
    await appendAudit(tx, ctx, {
      type: 'client_request.created',
      target: { type: 'client_request', id },
      payload: {
        applicationId: app.id,
        dueAt: dueAt.toISOString(),
        items: rows.length,
        kinds: [...new Set(rows.map((r) => r.kind))].sort(),
      },
    });
  });
  const row = (await findRequest(ctx.db, id))!;
  return presentRequest(row, await listItems(ctx.db, [id]), [], now);
}

/** assignForm inside our transaction; its 400s are reported against the item that caused them. */
async function assignQuestionnaire(
  ctx: Ctx,
  tx: Tx,
  index: number,
  input: { applicationId: string; formId: string; subjectId: string | null; dueAt: Date },
): Promise<{ id: string }> {
  try {
    // In our transaction: assignForm's inTransaction joins it.
    return await assignForm({ ...ctx, db: tx }, input);
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation') {
      const errors = (err.extra?.['errors'] as Problem[] | undefined) ?? [];
      throw validationError(
        err.message,
        errors.map((e) => ({
          path: `/items/${index}${e.path.startsWith('/') ? e.path : `/${e.path}`}`,
          message: e.message,
        })),
      );
    }
    throw err;
  }
}
