/** Who may do what to a subject. Which subjects an actor sees at all: find-visible-subject.ts. */
import { hasRight, type Actor } from '../access/actor.ts';

/**
 * The clear view of the sensitive fields (sensitive-fields.ts: identity-document and tax numbers,
 * registration numbers, dates of birth) needs its own right; every clear view is audited by the use case.
 */
export function mayRevealSensitiveFields(actor: Actor): boolean {
  return hasRight(actor, 'subject:reveal-identifiers');
}

/** What the actor may do with a subject it sees in full: ask for the clear view, change it. */
export function subjectAbilities(actor: Actor): { reveal: boolean; edit: boolean } {
  return { reveal: mayRevealSensitiveFields(actor), edit: hasRight(actor, 'subject:write') };
}
