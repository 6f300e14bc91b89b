import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { canSeeProgramme, hasRight } from '../access/actor.ts';
import { presentProgramme } from './programme.presenter.ts';
import { findProgramme } from './programme.repository.ts';
import type { ProgrammeView } from './programme.schema.ts';

/** One programme by id; `not_found` when there is none or the actor is not a member. */
export async function getProgramme(ctx: Ctx, id: string): Promise<ProgrammeView> {
  const row = await findProgramme(ctx.db, id);
  if (!row || !canSeeProgramme(ctx.actor, row.id)) throw notFound('programme');
  return {
    ...presentProgramme(row),
    abilities: {
      edit: hasRight(ctx.actor, 'programme:manage'),
      manageMembers: hasRight(ctx.actor, 'programme:members'),
    },
  };
}
