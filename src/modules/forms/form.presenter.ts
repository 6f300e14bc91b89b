/** Rows to views, as explicit allow-lists. Staff views name actors; client views never do. */
import type { ActorNamer } from './actor-names.ts';
import type { AssignmentRow } from './assignment.repository.ts';
import type { FormRow, FormVersionRow } from './form.repository.ts';
import type { AssignmentView, FormSummaryView, FormVersionSummary } from './form.schema.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentVersionSummary(
  v: Omit<FormVersionRow, 'definition'>,
  name: ActorNamer,
): FormVersionSummary {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    createdAt: v.created_at.toISOString(),
    createdBy: name(v.created_by),
    publishedAt: iso(v.published_at),
    publishedBy: v.published_by ? name(v.published_by) : null,
  };
}

export function presentFormSummary(
  f: FormRow & { draft_version: number | null; published_version: number | null },
): FormSummaryView {
  return {
    id: f.id,
    programmeId: f.programme_id,
    key: f.key,
    title: f.title,
    createdAt: f.created_at.toISOString(),
    retiredAt: iso(f.retired_at),
    draftVersion: f.draft_version === null ? null : Number(f.draft_version),
    publishedVersion: f.published_version === null ? null : Number(f.published_version),
  };
}

export function presentAssignment(a: AssignmentRow, name: ActorNamer): AssignmentView {
  return {
    id: a.id,
    applicationId: a.application_id,
    form: { id: a.form_id, key: a.form_key, title: a.form_title },
    subjectId: a.subject_id,
    status: a.status,
    dueAt: iso(a.due_at),
    assignedAt: a.assigned_at.toISOString(),
    assignedBy: name(a.assigned_by),
    version:
      a.version_id && a.version_number !== null ? { id: a.version_id, version: a.version_number } : null,
    submittedAt: iso(a.submitted_at),
    submittedBy: a.submitted_by ? name(a.submitted_by) : null,
    cancelledAt: iso(a.cancelled_at),
    cancelledBy: a.cancelled_by ? name(a.cancelled_by) : null,
    draft:
      a.draft_id && a.draft_saved_at && a.draft_saved_by && a.draft_version_id
        ? {
            savedAt: a.draft_saved_at.toISOString(),
            savedBy: name(a.draft_saved_by),
            // A draft is always of the pinned version.
            version: { id: a.draft_version_id, version: a.version_number ?? 0 },
            answerCount: a.draft_answer_count ?? 0,
          }
        : null,
  };
}

/** Every actor reference an assignment row carries, for nameActors. */
export function assignmentActorRefs(a: AssignmentRow): (string | null)[] {
  return [a.assigned_by, a.submitted_by, a.cancelled_by, a.draft_saved_by];
}
