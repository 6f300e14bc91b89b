/** Who may do what to a subject. Visibility is not yet scoped to programmes: every reader sees every subject. */
import { hasRight, type Actor } from '../access/actor.ts';

/** Full identity-document numbers need their own right; every reveal is audited by the use case. */
export function mayRevealIdentifiers(actor: Actor): boolean {
  return hasRight(actor, 'subject:reveal-identifiers');
}
