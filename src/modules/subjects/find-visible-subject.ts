/**
 * Subjects as an actor sees them (issue 4, item 3). An actor of every programme sees every subject;
 * an actor limited to some programmes sees a subject created in one of them, or attached to an
 * application of one of them. The rule itself is one SQL predicate (`visibleIn`, subject.repository.ts).
 */
import type { Executor } from '../../db/transaction.ts';
import { programmeFilter, type Actor } from '../access/actor.ts';
import {
  findSubject,
  findVisibleSubjectIds,
  type SubjectRow,
  type SubjectScope,
} from './subject.repository.ts';

/** The programmes whose subjects the actor sees: null for every subject. */
export function subjectScope(actor: Actor): SubjectScope {
  return programmeFilter(actor);
}

/**
 * The subject, if it exists and the actor may see it; null otherwise, so that callers answer 404
 * alike for "missing" and "not yours".
 */
export async function findVisibleSubject(
  db: Executor,
  actor: Actor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<SubjectRow | null> {
  return findSubject(db, id, { ...opts, scope: subjectScope(actor) });
}

/** The ids among `ids` of subjects that exist and the actor may see. */
export async function visibleSubjectIds(
  db: Executor,
  actor: Actor,
  ids: readonly string[],
): Promise<Set<string>> {
  return findVisibleSubjectIds(db, subjectScope(actor), ids);
}
