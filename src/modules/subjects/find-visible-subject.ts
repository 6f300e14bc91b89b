/**
 * Subjects as an actor sees them (issue 4, item 3). An actor of every programme sees every subject;
 * an actor limited to some programmes sees a subject created in one of them, or attached to an
 * application of one of them. The rule itself is one SQL predicate (`visibleIn`, subject.repository.ts).
 * A subject seen only through an application shows what its owning programme shares of it
 * (`subject_sharing`): with 'basic', only the basics (`basicOnlySubjectIds`), and no edits.
 */
import type { Executor } from '../../db/transaction.ts';
import { programmeFilter, type Actor } from '../access/actor.ts';
import {
  findBasicSharingProgrammes,
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

/**
 * The ids among `rows` of subjects the actor sees only the basics of: owned by a programme that is
 * not the actor's and shares 'basic' (so the actor sees them only through an application). Actors
 * of every programme, members of the owning programme, and subjects without one are unaffected.
 */
export async function basicOnlySubjectIds(
  db: Executor,
  actor: Actor,
  rows: readonly Pick<SubjectRow, 'id' | 'programme_id'>[],
): Promise<Set<string>> {
  const scope = subjectScope(actor);
  if (scope === null) return new Set();
  const mine = new Set(scope);
  const elsewhere = rows.filter((r) => r.programme_id !== null && !mine.has(r.programme_id));
  if (elsewhere.length === 0) return new Set();
  const basic = await findBasicSharingProgrammes(
    db,
    elsewhere.map((r) => r.programme_id!),
  );
  return new Set(elsewhere.filter((r) => basic.has(r.programme_id!)).map((r) => r.id));
}

/** Whether the actor sees only the basics of this subject (see {@link basicOnlySubjectIds}). */
export async function seesBasicsOnly(
  db: Executor,
  actor: Actor,
  row: Pick<SubjectRow, 'id' | 'programme_id'>,
): Promise<boolean> {
  return (await basicOnlySubjectIds(db, actor, [row])).has(row.id);
}
