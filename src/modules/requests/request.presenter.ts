/** Request rows → views: explicit allow-lists. */
import type { Row } from '../../db/types.ts';
import { isOverdue, mayAnswer } from './request.policy.ts';
import type { ItemRow, RequestRow } from './request.repository.ts';
import type {
  ClientRequestItemView,
  ClientRequestView,
  MissingItemView,
  RequestItemView,
  RequestView,
} from './request.schema.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface SubjectRef {
  id: string;
  display_name: string;
  profile: Record<string, unknown>;
}

function progress(items: readonly ItemRow[]) {
  return { complete: items.filter((i) => i.completed_at).length, total: items.length };
}

export function presentItem(i: ItemRow): RequestItemView {
  return {
    id: i.id,
    kind: i.kind,
    subjectId: i.subject_id,
    documentType: i.document_type,
    fields: i.fields,
    formId: i.form_id,
    formAssignmentId: i.form_assignment_id,
    complete: i.completed_at !== null,
    completedAt: iso(i.completed_at),
    completedBy: i.completed_by,
    documentId: i.document_id,
  };
}

/** What staff and clients both see of a request (each view adds its own allow-listed fields). */
function sharedFields(r: RequestRow, now: Date) {
  return {
    id: r.id,
    applicationId: r.application_id,
    title: r.title,
    message: r.message,
    dueAt: r.due_at.toISOString(),
    status: r.status,
    overdue: isOverdue(r, now),
  };
}

export function presentRequest(
  r: RequestRow,
  allItems: readonly ItemRow[],
  reminders: readonly Row<'client_request_reminders'>[],
  now: Date,
): RequestView {
  const items = allItems.filter((i) => i.request_id === r.id);
  return {
    ...sharedFields(r, now),
    overdueFlaggedAt: iso(r.overdue_flagged_at),
    progress: progress(items),
    items: items.map(presentItem),
    reminders: reminders
      .filter((m) => m.request_id === r.id)
      .map((m) => ({ stage: m.stage, sentAt: m.claimed_at.toISOString(), recipients: m.recipients })),
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
    completedAt: iso(r.completed_at),
    cancelledAt: iso(r.cancelled_at),
    cancelledBy: r.cancelled_by,
    cancelReason: r.cancel_reason,
    version: r.version,
  };
}

const subjectOf = (subjects: ReadonlyMap<string, SubjectRef>, id: string | null) => {
  const s = id ? subjects.get(id) : undefined;
  return s ? { id: s.id, displayName: s.display_name } : null;
};

/**
 * What a client user sees of a request. The values on file of a 'fields' item are shown only to
 * a user who may answer it, and only the requested fields.
 */
export function presentClientRequest(
  r: RequestRow,
  allItems: readonly ItemRow[],
  subjects: ReadonlyMap<string, SubjectRef>,
  role: 'owner' | 'contributor' | 'read_only',
  now: Date,
): ClientRequestView {
  const items = allItems.filter((i) => i.request_id === r.id);
  return {
    ...sharedFields(r, now),
    progress: progress(items),
    items: items.map((i): ClientRequestItemView => {
      const answer = mayAnswer(role, r, i);
      const subject = i.subject_id ? subjects.get(i.subject_id) : undefined;
      return {
        id: i.id,
        kind: i.kind,
        subject: subjectOf(subjects, i.subject_id),
        documentType: i.document_type,
        fields: i.fields,
        ...(answer && subject && i.fields
          ? { current: Object.fromEntries(i.fields.map((f) => [f, subject.profile[f] ?? null])) }
          : {}),
        formId: i.form_id,
        formAssignmentId: i.form_assignment_id,
        complete: i.completed_at !== null,
        completedAt: iso(i.completed_at),
        abilities: { answer },
      };
    }),
    createdAt: r.created_at.toISOString(),
    completedAt: iso(r.completed_at),
    cancelledAt: iso(r.cancelled_at),
  };
}

/** The incomplete items of open requests, as task-list entries. */
export function presentMissing(
  requests: readonly RequestRow[],
  items: readonly ItemRow[],
  subjects: ReadonlyMap<string, SubjectRef>,
  now: Date,
): MissingItemView[] {
  const byId = new Map(requests.map((r) => [r.id, r]));
  return items
    .filter((i) => !i.completed_at && byId.get(i.request_id)?.status === 'open')
    .map((i) => {
      const r = byId.get(i.request_id)!;
      return {
        applicationId: r.application_id,
        applicationReference: r.reference,
        requestId: r.id,
        requestTitle: r.title,
        itemId: i.id,
        kind: i.kind,
        subject: subjectOf(subjects, i.subject_id),
        documentType: i.document_type,
        fields: i.fields,
        formId: i.form_id,
        dueAt: r.due_at.toISOString(),
        overdue: isOverdue(r, now),
      };
    })
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.requestId.localeCompare(b.requestId));
}
