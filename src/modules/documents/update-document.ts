import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findProgramme } from '../programmes/programme.repository.ts';
import { findDocument } from './document.repository.ts';
import type { DocumentDetailView, UpdateDocumentBody } from './document.schema.ts';
import { documentScope, loadDocumentDetail } from './load-document-views.ts';
import { documentType } from './upload-document.ts';

/**
 * Records a document's checks and details: type, dates, valid or invalid (a reason is required
 * for invalid), physical copy seen. Who set the validity and saw the copy, and when, is kept.
 * Optimistic concurrency on `version`.
 */
export async function updateDocument(
  ctx: Ctx,
  id: string,
  body: UpdateDocumentBody,
): Promise<DocumentDetailView> {
  if (body.validity === 'invalid' && !body.invalidReason)
    throw validationError('a reason is required to mark a document invalid', [
      { path: '/invalidReason', message: 'required with validity "invalid"' },
    ]);
  if (body.invalidReason !== undefined && body.validity !== 'invalid')
    throw validationError('invalidReason goes with validity "invalid"', [
      { path: '/invalidReason', message: 'only with validity "invalid"' },
    ]);
  const row = await inTransaction(ctx.db, async (tx) => {
    const doc = await findDocument(tx, id, documentScope(ctx.actor), { forUpdate: true });
    if (!doc) throw notFound('document');
    if (doc.version !== body.version)
      throw new AppError('version_conflict', 'the document changed since it was read', {
        currentVersion: doc.version,
      });
    const now = ctx.now();
    const by = actorRef(ctx.actor);
    const changes: Record<string, unknown> = {};
    const fields: string[] = [];
    if (body.type !== undefined && body.type !== doc.document_type) {
      const programme = (await findProgramme(tx, doc.programme_id))!;
      const subject = await tx
        .selectFrom('subjects')
        .select('kind')
        .where('id', '=', doc.subject_id)
        .executeTakeFirstOrThrow();
      documentType(programme, body.type, subject.kind);
      changes['document_type'] = body.type;
      fields.push('type');
    }
    const issue = body.issueDate === undefined ? doc.issue_date : body.issueDate;
    const expiry = body.expiryDate === undefined ? doc.expiry_date : body.expiryDate;
    if (issue && expiry && issue > expiry)
      throw validationError('the issue date is after the expiry date', [
        { path: '/expiryDate', message: 'must not be before issueDate' },
      ]);
    if (body.issueDate !== undefined && body.issueDate !== doc.issue_date) {
      changes['issue_date'] = body.issueDate;
      fields.push('issueDate');
    }
    if (body.expiryDate !== undefined && body.expiryDate !== doc.expiry_date) {
      changes['expiry_date'] = body.expiryDate;
      fields.push('expiryDate');
    }
    if (body.validity !== undefined) {
      const reason = body.validity === 'invalid' ? body.invalidReason! : null;
      if (body.validity !== doc.validity || reason !== doc.invalid_reason) {
        Object.assign(changes, {
          validity: body.validity,
          invalid_reason: reason,
          validity_set_by: body.validity === 'unchecked' ? null : by,
          validity_set_at: body.validity === 'unchecked' ? null : now,
        });
        fields.push('validity');
      }
    }
    if (body.physicalCopySeen !== undefined && body.physicalCopySeen !== doc.physical_copy_seen) {
      Object.assign(changes, {
        physical_copy_seen: body.physicalCopySeen,
        physical_copy_seen_by: body.physicalCopySeen ? by : null,
        physical_copy_seen_at: body.physicalCopySeen ? now : null,
      });
      fields.push('physicalCopySeen');
    }
    if (fields.length === 0) return doc;
    const version = doc.version + 1;
    await tx
      .updateTable('documents')
      .set({ ...changes, version, updated_at: now })
      .where('id', '=', id)
      .execute();
    await appendAudit(tx, ctx, {
      type: 'document.updated',
      target: { type: 'document', id },
      payload: { fields, version, validity: (changes['validity'] as string | undefined) ?? doc.validity },
    });
    return (await findDocument(tx, id, null))!;
  });
  return loadDocumentDetail(ctx.db, ctx.actor, row, ctx.now());
}
