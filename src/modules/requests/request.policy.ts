/**
 * The rules of requests as small pure predicates: which subject fields a client may supply, when a
 * request is overdue, who may answer an item, which reminder is due.
 *
 * Fields a client may supply are the ones a client knows best and that do not establish who the
 * subject is: addresses, contact details, nationalities (persons) and trading names (entities).
 * Names, dates of birth, registration numbers, jurisdictions, incorporation dates, LEIs and identity
 * documents are identity-critical: they are checked against documents and registries by staff, so
 * no request can hand them to a client. Nationalities and trading names are screened fields: a
 * client's change triggers a rescreen exactly as a staff change does.
 */
export const PERSON_CLIENT_FIELDS = ['addresses', 'contact', 'nationalities'] as const;
export const ENTITY_CLIENT_FIELDS = ['addresses', 'contact', 'tradingNames'] as const;
export const CLIENT_FIELDS = ['addresses', 'contact', 'nationalities', 'tradingNames'] as const;
export type ClientField = (typeof CLIENT_FIELDS)[number];

/** The fields a client may supply for a subject of this kind. */
export function clientFieldsFor(kind: 'person' | 'entity'): readonly ClientField[] {
  return kind === 'person' ? PERSON_CLIENT_FIELDS : ENTITY_CLIENT_FIELDS;
}

/** Open and past its due date. */
export function isOverdue(request: { status: string; due_at: Date }, now: Date): boolean {
  return request.status === 'open' && request.due_at.getTime() <= now.getTime();
}

/**
 * A client user may answer an item: a 'fields' item not answered yet, of an open request, and a
 * role that may change things (owner or contributor; read-only users only read).
 */
export function mayAnswer(
  role: 'owner' | 'contributor' | 'read_only',
  request: { status: string },
  item: { kind: string; completed_at: Date | null },
): boolean {
  return role !== 'read_only' && request.status === 'open' && item.kind === 'fields' && !item.completed_at;
}

/** Days before the due date at which reminders go out, unless the caller says otherwise. */
export const DEFAULT_REMINDER_DAYS: readonly number[] = [7, 1];
const DAY_MS = 86_400_000;

/**
 * The reminder stage due now for an open request: 'overdue' once the due date has passed, else
 * `before:<d>` for the smallest d (of `days`) whose moment has come, else null. Only the latest
 * stage counts: a request created three days before its due date, or a server that was down for a
 * week, sends one reminder, not all the ones it missed.
 */
export function reminderStage(dueAt: Date, now: Date, days: readonly number[]): string | null {
  if (now.getTime() >= dueAt.getTime()) return 'overdue';
  const due = [...days].filter((d) => now.getTime() >= dueAt.getTime() - d * DAY_MS).sort((a, b) => a - b);
  return due.length ? `before:${due[0]}` : null;
}
