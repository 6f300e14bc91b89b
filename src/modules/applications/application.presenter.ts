import type { Row } from '../../db/types.ts';
import { allowedTargets, machineOf } from '../programmes/index.ts';
import {
  SUBJECT_ROLES,
  type ApplicationSubjectView,
  type ApplicationSummaryView,
  type ApplicationView,
  type DecisionView,
  type NoteView,
  type SubjectRole,
} from './application.schema.ts';

/** The display name behind an actor reference (see `nameActors`); null when it names nothing. */
export type NameOf = (ref: string) => string | null;

const nameOrNull = (nameOf: NameOf, ref: string | null | undefined) => (ref ? nameOf(ref) : null);

/** What the detail view needs besides the application row. */
export interface ApplicationRelations {
  programme: Pick<Row<'programmes'>, 'id' | 'name' | 'statuses' | 'transitions'>;
  subjects: {
    subject_id: string;
    role: string;
    kind: 'person' | 'entity';
    display_name: string;
    added_by?: string | null;
  }[];
  assignee: Pick<Row<'staff_users'>, 'id' | 'username' | 'display_name'> | null;
  pendingDecision: Row<'application_decisions'> | null;
  /** Names of the actors the subjects' `added_by` and the pending decision refer to. */
  nameOf: NameOf;
}

const roleOrder = (role: string) => SUBJECT_ROLES.indexOf(role as SubjectRole);

/** Application row and relations → detail view; subjects ordered applicant first, then by role and name. */
export function presentApplication(row: Row<'applications'>, rel: ApplicationRelations): ApplicationView {
  const subjects: ApplicationSubjectView[] = [...rel.subjects]
    .sort(
      (a, b) =>
        roleOrder(a.role) - roleOrder(b.role) ||
        a.display_name.localeCompare(b.display_name) ||
        a.subject_id.localeCompare(b.subject_id),
    )
    .map((s) => ({
      id: s.subject_id,
      kind: s.kind,
      displayName: s.display_name,
      role: s.role as SubjectRole,
      addedBy: s.added_by ?? null,
      addedByName: nameOrNull(rel.nameOf, s.added_by),
    }));
  return {
    id: row.id,
    reference: row.reference,
    programme: { id: rel.programme.id, name: rel.programme.name },
    status: row.status,
    allowedTransitions: allowedTargets(machineOf(rel.programme), row.status),
    riskLevel: row.risk_level,
    pendingDecision: rel.pendingDecision ? presentDecision(rel.pendingDecision, rel.nameOf) : null,
    assignee: rel.assignee
      ? { id: rel.assignee.id, username: rel.assignee.username, displayName: rel.assignee.display_name }
      : null,
    subjects,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A list row (application joined with programme name and assignee) → summary view. */
export function presentApplicationSummary(
  row: Row<'applications'> & {
    programme_name: string;
    assignee_username: string | null;
    assignee_display_name: string | null;
  },
): ApplicationSummaryView {
  return {
    id: row.id,
    reference: row.reference,
    programme: { id: row.programme_id, name: row.programme_name },
    status: row.status,
    riskLevel: row.risk_level,
    assignee:
      row.assignee_id && row.assignee_username !== null && row.assignee_display_name !== null
        ? { id: row.assignee_id, username: row.assignee_username, displayName: row.assignee_display_name }
        : null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A note → view, with the current names of its author and of whoever last set its sharing. */
export function presentNote(row: Row<'application_notes'>, nameOf: NameOf): NoteView {
  return {
    id: row.id,
    body: row.body,
    author: row.author,
    authorName: nameOf(row.author),
    authorKind: row.author_kind,
    sharedWithClient: row.shared_with_client,
    sharedAt: row.shared_at ? row.shared_at.toISOString() : null,
    sharedBy: row.shared_by,
    sharedByName: nameOrNull(nameOf, row.shared_by),
    createdAt: row.created_at.toISOString(),
  };
}

/** A decision → view, with the current names of who prepared and who decided it. */
export function presentDecision(row: Row<'application_decisions'>, nameOf: NameOf): DecisionView {
  return {
    id: row.id,
    applicationId: row.application_id,
    from: row.from_status,
    to: row.to_status,
    reason: row.reason,
    status: row.status,
    preparedBy: row.prepared_by,
    preparedByName: nameOf(row.prepared_by),
    preparedAt: row.prepared_at.toISOString(),
    decidedBy: row.decided_by,
    decidedByName: nameOrNull(nameOf, row.decided_by),
    decidedAt: row.decided_at ? row.decided_at.toISOString() : null,
    decidedReason: row.decided_reason,
  };
}
