/**
 * The one check every client operation on an application goes through: the application belongs to
 * the actor's organisation (otherwise it does not exist for them: 404, never 403, so ids of other
 * organisations cannot be probed), and a change needs a role that may change things (owner or
 * contributor; a read-only user gets 403 `read_only`).
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { ClientActor } from './client-session.ts';

export interface ClientApplicationRef {
  id: string;
  programmeId: string;
  reference: string;
  status: string;
  organisationId: string;
}

/** Refuses a change by a read-only client user. */
export function assertClientMayChange(actor: ClientActor): void {
  if (actor.role === 'read_only')
    throw new AppError('forbidden', 'your role in the organisation may only read', { reason: 'read_only' });
}

export async function findClientApplication(
  ctx: Pick<Ctx, 'db'>,
  actor: ClientActor,
  applicationId: string,
  mode: 'read' | 'change',
): Promise<ClientApplicationRef> {
  const row = await ctx.db
    .selectFrom('applications')
    .select(['id', 'programme_id', 'reference', 'status', 'client_organisation_id'])
    .where('id', '=', applicationId)
    .where('client_organisation_id', '=', actor.organisationId)
    .executeTakeFirst();
  if (!row || row.client_organisation_id === null) throw notFound('application');
  if (mode === 'change') assertClientMayChange(actor);
  return {
    id: row.id,
    programmeId: row.programme_id,
    reference: row.reference,
    status: row.status,
    organisationId: row.client_organisation_id,
  };
}
