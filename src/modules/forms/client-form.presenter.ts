/** What a client user sees of a questionnaire: no staff names, no actor references, no form ids. */
import type { ClientAssignmentRow } from './assignment.repository.ts';
import type { ClientAssignmentSummary } from './form.schema.ts';

export function presentClientAssignment(r: ClientAssignmentRow): ClientAssignmentSummary {
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    dueAt: r.due_at ? r.due_at.toISOString() : null,
    version: { id: r.version_id, version: r.version_number },
    subject: r.subject_id && r.subject_name ? { id: r.subject_id, name: r.subject_name } : null,
    draftSavedAt: r.draft_saved_at ? r.draft_saved_at.toISOString() : null,
    submittedAt: r.submitted_at ? r.submitted_at.toISOString() : null,
  };
}
