/**
 * Completion of requests, computed from what exists. A 'fields' item completes when the client's
 * answer is applied (answer-fields-item.ts). A 'document' item completes when a document of its
 * subject and type, linked to the application and created at or after the request, exists; a
 * 'questionnaire' item when the form was submitted for the application since the request. Those
 * happen in other modules (an upload, a submission), so they are noticed here: every read of
 * requests (staff and client) and the periodic task settle the requests they look at first. The
 * item is then recorded complete (the document that did it, and its uploader), and a request whose
 * items are all complete becomes 'completed'; both audited once, by the system actor
 * `system:client-requests` (guarded updates: concurrent readers cannot record it twice). A request
 * therefore never shows an item as incomplete that would count as complete.
 */
import { inTransaction, type Executor, type Tx } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Actor } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditEvent } from '../audit/audit.events.ts';
import { isFormSubmittedSince } from '../forms/index.ts';
import {
  findCompletingDocuments,
  findUnsettled,
  markItemComplete,
  markRequestCompleted,
  type ItemRow,
  type RequestRow,
} from './request.repository.ts';

/** Requests examined per query (the scope of the periodic task is every open request). */
const PAGE = 200;

/** Who records completions noticed on a read or by the periodic task. */
export const SETTLE_ACTOR: Actor = { kind: 'system', label: 'client-requests', rights: new Set() };

export interface SettleScope {
  requestIds?: readonly string[];
  applicationId?: string;
  organisationId?: string;
  /** null: every programme. */
  programmes?: string[] | null;
}

interface Completion {
  item: ItemRow;
  at: Date;
  by: string | null;
  documentId: string | null;
}

/** What would change: items now complete, and requests whose items would then all be complete. */
async function findCompletions(
  db: Executor,
  scope: SettleScope,
  page: { after: string | null; limit: number },
  now: Date,
): Promise<{ requests: RequestRow[]; items: ItemRow[]; completions: Completion[] }> {
  const { requests, items } = await findUnsettled(db, scope, page);
  if (requests.length === 0) return { requests, items, completions: [] };
  const open = items.filter((i) => !i.completed_at);
  const docs = await findCompletingDocuments(
    db,
    open.filter((i) => i.kind === 'document').map((i) => i.id),
  );
  const byId = new Map(requests.map((r) => [r.id, r]));
  const completions: Completion[] = [];
  for (const item of open) {
    if (item.kind === 'document') {
      const d = docs.get(item.id);
      if (d) completions.push({ item, at: d.created_at, by: d.created_by, documentId: d.id });
    } else if (item.kind === 'questionnaire' && item.form_id) {
      const r = byId.get(item.request_id)!;
      if (await isFormSubmittedSince(db, r.application_id, item.form_id, r.created_at))
        completions.push({ item, at: now, by: null, documentId: null });
    }
  }
  return { requests, items, completions };
}

/** Records what findCompletions found, in the caller's transaction; returns the requests completed. */
async function apply(
  tx: Tx,
  ctx: Pick<Ctx, 'requestId' | 'now'>,
  found: Awaited<ReturnType<typeof findCompletions>>,
): Promise<string[]> {
  const now = ctx.now();
  const events: AuditEvent[] = [];
  for (const c of found.completions) {
    if (await markItemComplete(tx, c.item.id, { at: c.at, by: c.by, documentId: c.documentId })) {
      c.item.completed_at = c.at;
      events.push({
        type: 'client_request.item_completed',
        target: { type: 'client_request', id: c.item.request_id },
        payload: { itemId: c.item.id, kind: c.item.kind, documentId: c.documentId, by: c.by },
      });
    }
  }
  const completed: string[] = [];
  for (const r of found.requests) {
    const items = found.items.filter((i) => i.request_id === r.id);
    if (items.length === 0 || items.some((i) => !i.completed_at)) continue;
    // Items answered meanwhile are complete too: the guarded update decides who records it.
    if (await markRequestCompleted(tx, r.id, now)) {
      completed.push(r.id);
      events.push({
        type: 'client_request.completed',
        target: { type: 'client_request', id: r.id },
        payload: { applicationId: r.application_id, items: items.length },
      });
    }
  }
  const audit = { actor: SETTLE_ACTOR, requestId: ctx.requestId, now: ctx.now };
  for (const e of events) await appendAudit(tx, audit, e);
  return completed;
}

/** Settles the requests in scope inside the caller's transaction. */
export async function settleRequestsIn(
  tx: Tx,
  ctx: Pick<Ctx, 'requestId' | 'now'>,
  scope: SettleScope,
): Promise<string[]> {
  const completed: string[] = [];
  for (let after: string | null = null; ;) {
    const found = await findCompletions(tx, scope, { after, limit: PAGE }, ctx.now());
    completed.push(...(await apply(tx, ctx, found)));
    if (found.requests.length < PAGE) return completed;
    after = found.requests.at(-1)!.id;
  }
}

/**
 * Settles the open requests in scope; opens a transaction only when something changed. Returns
 * the ids of the requests it completed.
 */
export async function settleRequests(
  ctx: Pick<Ctx, 'db' | 'requestId' | 'now'>,
  scope: SettleScope,
): Promise<string[]> {
  const completed: string[] = [];
  for (let after: string | null = null; ;) {
    const found = await findCompletions(ctx.db, scope, { after, limit: PAGE }, ctx.now());
    const wouldComplete = found.requests.some((r) => {
      const items = found.items.filter((i) => i.request_id === r.id);
      return items.every((i) => i.completed_at || found.completions.some((c) => c.item.id === i.id));
    });
    if (found.completions.length || wouldComplete)
      completed.push(...(await inTransaction(ctx.db, (tx) => apply(tx, ctx, found))));
    if (found.requests.length < PAGE) return completed;
    after = found.requests.at(-1)!.id;
  }
}
