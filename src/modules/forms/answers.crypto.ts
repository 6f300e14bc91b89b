/**
 * Answers are personal data: they are stored only encrypted with the key ring's field key, the row
 * bound as additional data (table, row id, assignment id and version id), so a ciphertext copied to
 * another row, assignment or version fails to decrypt instead of showing someone else's answers.
 */
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { AppError } from '../../platform/errors.ts';

export type AnswersTable = 'form_drafts' | 'form_submissions';

/** The additional data binding one row's answers to that row. */
export function answersContext(
  table: AnswersTable,
  row: { id: string; assignmentId: string; versionId: string },
): string {
  return `${table}.answers:${row.id}:${row.assignmentId}:${row.versionId}`;
}

export function sealAnswers(keyring: Keyring, answers: Record<string, unknown>, context: string): Buffer {
  return keyring.encryptField(JSON.stringify(answers), context);
}

/** Decrypts stored answers; a ciphertext that does not belong to the row is an integrity failure. */
export function openAnswers(keyring: Keyring, blob: Uint8Array, context: string): Record<string, unknown> {
  try {
    return JSON.parse(keyring.decryptField(blob, context)) as Record<string, unknown>;
  } catch {
    throw new AppError('integrity_failure', 'stored answers failed their integrity check', {
      reason: 'answers_integrity',
    });
  }
}
