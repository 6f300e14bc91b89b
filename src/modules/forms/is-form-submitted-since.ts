import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { submittedSince } from './assignment.repository.ts';

/**
 * Whether the application has a questionnaire of this form whose answers were submitted at or after
 * `since` and stand (status 'submitted': one reopened for changes or cancelled does not count).
 * No scope check: the caller has already checked that its actor may see the application.
 */
export async function isFormSubmittedSince(
  db: Kysely<DB> | Transaction<DB>,
  applicationId: string,
  formId: string,
  since: Date,
): Promise<boolean> {
  return submittedSince(db, applicationId, formId, since);
}
