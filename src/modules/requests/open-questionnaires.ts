/**
 * Questionnaires not submitted yet, as the client sees them, through the forms module's own client
 * listing (which checks the organisation again): only applications that have an open one are asked.
 */
import type { Ctx } from '../../platform/context.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { listClientForms } from '../forms/index.ts';
import { applicationsWithOpenQuestionnaires, type ItemRow } from './request.repository.ts';
import type { OpenQuestionnaireView } from './request.schema.ts';

export async function listOpenQuestionnaires(
  ctx: Ctx,
  actor: ClientActor,
  input: { applicationId?: string; requestItems: readonly ItemRow[] },
): Promise<OpenQuestionnaireView[]> {
  const apps = await applicationsWithOpenQuestionnaires(ctx.db, {
    organisationId: actor.organisationId,
    ...(input.applicationId ? { applicationId: input.applicationId } : {}),
  });
  const byAssignment = new Map(
    input.requestItems.flatMap((i) => (i.form_assignment_id ? [[i.form_assignment_id, i.request_id]] : [])),
  );
  const now = ctx.now().getTime();
  const out: OpenQuestionnaireView[] = [];
  for (const app of apps) {
    for (const f of await listClientForms(ctx, actor, app.id)) {
      if (f.status !== 'open') continue;
      out.push({
        applicationId: app.id,
        applicationReference: app.reference,
        assignmentId: f.id,
        title: f.title,
        dueAt: f.dueAt,
        overdue: f.dueAt !== null && Date.parse(f.dueAt) <= now,
        subject: f.subject ? { id: f.subject.id, displayName: f.subject.name } : null,
        requestId: byAssignment.get(f.id) ?? null,
      });
    }
  }
  return out.sort(
    (a, b) =>
      (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff') ||
      a.assignmentId.localeCompare(b.assignmentId),
  );
}
