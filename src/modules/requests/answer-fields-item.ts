import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { actorRef, type Actor } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findClientApplication } from '../clients/client-access.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { findVisibleSubject, seesBasicsOnly } from '../subjects/find-visible-subject.ts';
import { patchSubject, type SubjectPatch } from '../subjects/index.ts';
import { getClientRequest } from './get-client-request.ts';
import { findRequest, listItems, markItemComplete, subjectsOnApplication } from './request.repository.ts';
import type { AnswerFieldsBody, ClientRequestView } from './request.schema.ts';
import { settleRequestsIn } from './settle-requests.ts';

export interface AnswerFieldsItemInput {
  applicationId: string;
  requestId: string;
  itemId: string;
  values: AnswerFieldsBody['values'];
}

/**
 * A client user answers a 'fields' item: the values are applied to the subject and the item is
 * complete, in one transaction, audited with the client as actor.
 *
 * The client checks come first: the application is the organisation's and the user may change
 * things (404 / 403 `read_only`), the request and item are that application's (404), the request is
 * open (409 `request_closed`), the item is a 'fields' item (400) not answered yet (409
 * `item_complete`), the values are exactly the item's fields (400 naming each extra or missing
 * field), the subject is still on the application (409 `subject_not_on_application`).
 *
 * Then the staff checks, unchanged: the subject must be editable by an actor of the application's
 * programme (visible, and not one whose owning programme shares only the basics), checked with a
 * system actor scoped to exactly that programme and holding no right; the client actor itself is
 * never given a right or a programme. The change goes through the subjects module's `patchSubject`
 * (what `updateSubject` applies): the same validation as a staff update, the same rescreen of a
 * screened subject, and its `subject.updated` event, here with the client as actor. Values equal to
 * those on file change nothing on the subject but still answer the item (the client confirmed them).
 */
export async function answerFieldsItem(
  ctx: Ctx,
  actor: ClientActor,
  input: AnswerFieldsItemInput,
): Promise<ClientRequestView> {
  const app = await findClientApplication(ctx, actor, input.applicationId, 'change');
  const now = ctx.now();
  // Whatever Ctx the caller built, the change is the client's: audited with them as actor.
  const asClient: Ctx = { ...ctx, actor };
  await inTransaction(ctx.db, async (tx) => {
    const request = await findRequest(tx, input.requestId, 'update');
    if (!request || request.application_id !== app.id) throw notFound('request');
    const item = (await listItems(tx, [request.id])).find((i) => i.id === input.itemId);
    if (!item) throw notFound('request item');
    if (request.status !== 'open')
      throw new AppError('conflict', 'the request is completed or cancelled', { reason: 'request_closed' });
    if (item.kind !== 'fields' || !item.subject_id || !item.fields)
      throw validationError('this item takes no values', [
        { path: '/values', message: 'this item asks for a document or a questionnaire, not values' },
      ]);
    if (item.completed_at)
      throw new AppError('conflict', 'this item was answered already', { reason: 'item_complete' });
    const asked = item.fields;
    const given = Object.keys(input.values);
    const errors = [
      ...given
        .filter((k) => !asked.includes(k))
        .map((k) => ({ path: `/values/${k}`, message: 'is not asked for by this item' })),
      ...asked
        .filter((f) => !given.includes(f))
        .map((f) => ({ path: `/values/${f}`, message: 'is required by this item' })),
    ];
    if (errors.length) throw validationError('the values must be exactly the fields asked for', errors);
    if (!(await subjectsOnApplication(tx, app.id, [item.subject_id])).has(item.subject_id))
      throw new AppError('conflict', 'the subject is no longer on the application', {
        reason: 'subject_not_on_application',
      });

    const inProgramme: Actor = {
      kind: 'system',
      label: 'client-request',
      rights: new Set(),
      programmes: new Set([app.programmeId]),
    };
    const subject = await findVisibleSubject(tx, inProgramme, item.subject_id, { forUpdate: true });
    if (!subject || (await seesBasicsOnly(tx, inProgramme, subject))) throw notFound('subject');
    const result = await patchAsClient(tx, asClient, subject, input.values as SubjectPatch);

    if (!(await markItemComplete(tx, item.id, { at: now, by: actorRef(actor) })))
      throw new AppError('conflict', 'this item was answered already', { reason: 'item_complete' });
    await appendAudit(tx, asClient, {
      type: 'client_request.item_answered',
      target: { type: 'subject', id: subject.id },
      payload: {
        requestId: request.id,
        itemId: item.id,
        fields: [...asked].sort(),
        subjectVersion: result.row.version,
      },
    });
    // The last item answered completes the request (recorded by the system, as for uploads).
    await settleRequestsIn(tx, ctx, { requestIds: [request.id] });
  });
  return getClientRequest(ctx, actor, { applicationId: app.id, requestId: input.requestId });
}

/** patchSubject, with its validation errors reported under `/values`. */
async function patchAsClient(
  tx: Parameters<typeof patchSubject>[0],
  ctx: Ctx,
  subject: Parameters<typeof patchSubject>[2],
  values: SubjectPatch,
): ReturnType<typeof patchSubject> {
  try {
    return await patchSubject(tx, ctx, subject, values);
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation') {
      const errors = (err.extra?.['errors'] as { path: string; message: string }[] | undefined) ?? [];
      throw validationError(
        err.message,
        errors.map((e) => ({ path: `/values/${e.path.replace(/^\//, '')}`, message: e.message })),
      );
    }
    throw err;
  }
}
