import type { Row } from '../../../db/types.ts';
import type { ClientNoteView } from './cot.schema.ts';

/** How staff appear to clients: their role, never a name, username or e-mail address. */
export const CASE_OFFICER = 'Case officer';

/**
 * A note as the client sees it: the text, the date, and who it is from ("Case officer" for any
 * staff note; the client user's display name for a message from the organisation).
 */
export function presentClientNote(
  row: Row<'application_notes'>,
  clientNames: Map<string, string>,
): ClientNoteView {
  if (row.author_kind === 'client') {
    const id = row.author.startsWith('client:') ? row.author.slice('client:'.length) : '';
    return {
      id: row.id,
      body: row.body,
      from: 'client',
      author: clientNames.get(id) ?? 'Client',
      createdAt: row.created_at.toISOString(),
    };
  }
  return {
    id: row.id,
    body: row.body,
    from: 'case_officer',
    author: CASE_OFFICER,
    createdAt: row.created_at.toISOString(),
  };
}
