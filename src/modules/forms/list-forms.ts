import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { findProgramme } from '../programmes/index.ts';
import { mayActAsStaff } from './form.policy.ts';
import { presentFormSummary } from './form.presenter.ts';
import { listFormRows } from './form.repository.ts';
import type { FormSummaryView } from './form.schema.ts';

/** The forms of a programme, by key (retired ones included); `not_found` for a programme the actor does not see. */
export async function listForms(ctx: Ctx, programmeId: string): Promise<FormSummaryView[]> {
  const programme = await findProgramme(ctx.db, programmeId);
  if (!programme || !mayActAsStaff(ctx.actor, programme.id)) throw notFound('programme');
  return (await listFormRows(ctx.db, programme.id)).map(presentFormSummary);
}
