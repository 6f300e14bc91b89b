/**
 * Using a document in an application: a document stays with its subject and can serve several
 * applications (of the subject), including ones of other programmes the actor belongs to.
 */
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound, validationError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleApplication } from '../applications/find-visible-application.ts';
import { findDocument, linkApplication, unlinkApplication } from './document.repository.ts';
import { documentScope } from './load-document-views.ts';

export async function linkDocumentToApplication(
  ctx: Ctx,
  input: { applicationId: string; documentId: string },
): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const app = await findVisibleApplication(tx, ctx.actor, input.applicationId, 'update');
    if (!app) throw notFound('application');
    const doc = await findDocument(tx, input.documentId, documentScope(ctx.actor));
    if (!doc) throw notFound('document');
    const inApp = await tx
      .selectFrom('application_subjects')
      .select('subject_id')
      .where('application_id', '=', app.id)
      .where('subject_id', '=', doc.subject_id)
      .executeTakeFirst();
    if (!inApp)
      throw validationError("the document's subject is not part of this application", [
        { path: '/documentId', message: "the document's subject is not in this application" },
      ]);
    const added = await linkApplication(tx, {
      applicationId: app.id,
      documentId: doc.id,
      addedBy: actorRef(ctx.actor),
      now: ctx.now(),
    });
    if (added)
      await appendAudit(tx, ctx, {
        type: 'document.linked',
        target: { type: 'document', id: doc.id },
        payload: { applicationId: app.id },
      });
  });
}

export async function unlinkDocumentFromApplication(
  ctx: Ctx,
  input: { applicationId: string; documentId: string },
): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const app = await findVisibleApplication(tx, ctx.actor, input.applicationId, 'update');
    if (!app) throw notFound('application');
    const removed = await unlinkApplication(tx, app.id, input.documentId);
    if (!removed) throw notFound('document');
    await appendAudit(tx, ctx, {
      type: 'document.unlinked',
      target: { type: 'document', id: input.documentId },
      payload: { applicationId: app.id },
    });
  });
}
