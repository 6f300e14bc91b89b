/**
 * Programme membership of staff users (issue 4, item 3): who may see a programme's data. Replacing
 * the member list is one audited change; a membership change applies on the member's next request
 * (the session check reads memberships every time).
 */
import { Type, type Static } from 'typebox';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef, canSeeProgramme } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findProgramme } from './programme.repository.ts';

export const ProgrammeMemberView = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.String(),
  since: Type.String({ format: 'date-time' }),
});
export type ProgrammeMemberView = Static<typeof ProgrammeMemberView>;

export const SetProgrammeMembersBody = Type.Object(
  { userIds: Type.Array(Type.String({ format: 'uuid' }), { uniqueItems: true, maxItems: 10000 }) },
  { additionalProperties: false },
);

async function members(db: Ctx['db'], programmeId: string): Promise<ProgrammeMemberView[]> {
  const rows = await db
    .selectFrom('programme_members as m')
    .innerJoin('staff_users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.username', 'u.display_name', 'm.created_at'])
    .where('m.programme_id', '=', programmeId)
    .orderBy('u.username')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    since: r.created_at.toISOString(),
  }));
}

/** The members of a programme the actor sees (404 otherwise), by username. */
export async function listProgrammeMembers(ctx: Ctx, programmeId: string): Promise<ProgrammeMemberView[]> {
  const programme = await findProgramme(ctx.db, programmeId);
  if (!programme || !canSeeProgramme(ctx.actor, programme.id)) throw notFound('programme');
  return members(ctx.db, programmeId);
}

/**
 * Makes exactly `userIds` the members of the programme. The programme row is locked, so concurrent
 * replacements queue and each audit event's `before` is what it replaced. Nothing is written when
 * the set is unchanged.
 * @throws AppError not_found (programme not visible to the actor, or an unknown staff user).
 */
export async function setProgrammeMembers(
  ctx: Ctx,
  programmeId: string,
  userIds: readonly string[],
): Promise<ProgrammeMemberView[]> {
  const wanted = [...new Set(userIds)].sort();
  return inTransaction(ctx.db, async (tx) => {
    const programme = await findProgramme(tx, programmeId, 'update');
    if (!programme || !canSeeProgramme(ctx.actor, programme.id)) throw notFound('programme');
    if (wanted.length) {
      const found = await tx.selectFrom('staff_users').select('id').where('id', 'in', wanted).execute();
      if (found.length !== wanted.length) throw notFound('staff user');
    }
    const current = await tx
      .selectFrom('programme_members')
      .select('user_id')
      .where('programme_id', '=', programmeId)
      .execute();
    const before = current.map((r) => r.user_id).sort();
    const added = wanted.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !wanted.includes(id));
    if (added.length === 0 && removed.length === 0) return members(tx, programmeId);
    if (removed.length)
      await tx
        .deleteFrom('programme_members')
        .where('programme_id', '=', programmeId)
        .where('user_id', 'in', removed)
        .execute();
    const now = ctx.now();
    if (added.length)
      await tx
        .insertInto('programme_members')
        .values(
          added.map((id) => ({
            programme_id: programmeId,
            user_id: id,
            created_at: now,
            created_by: actorRef(ctx.actor),
          })),
        )
        .execute();
    await appendAudit(tx, ctx, {
      type: 'programme.members_changed',
      target: { type: 'programme', id: programmeId },
      payload: { added, removed },
    });
    return members(tx, programmeId);
  });
}
