import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';

import { findVisibleApplication } from './find-visible-application.ts';
import type { ApplicationView } from './application.schema.ts';
import { loadApplicationView } from './load-application-view.ts';

/** One application with its subjects, programme, assignee and allowed transitions; `not_found` when there is none. */
export async function getApplication(ctx: Ctx, id: string): Promise<ApplicationView> {
  const row = await findVisibleApplication(ctx.db, ctx.actor, id);
  if (!row) throw notFound('application');
  return loadApplicationView(ctx.db, row, ctx.actor);
}
