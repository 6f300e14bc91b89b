/**
 * What a client user sees of their own organisation: who they are, and the organisation's
 * applications. Every query is bounded by the actor's organisation; nothing takes an organisation
 * id from the request.
 */
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import type { ClientActor } from './client-session.ts';

export interface ClientMeView {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: ClientActor['role'];
  organisation: { id: string; name: string };
  mobile: string | null;
}

export async function clientMe(ctx: Pick<Ctx, 'db'>, actor: ClientActor): Promise<ClientMeView> {
  const row = await ctx.db
    .selectFrom('client_users as u')
    .innerJoin('client_organisations as o', 'o.id', 'u.organisation_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name',
      'u.email',
      'u.role',
      'u.mobile_last4',
      'o.id as org_id',
      'o.name as org_name',
    ])
    .where('u.id', '=', actor.id)
    .where('u.organisation_id', '=', actor.organisationId)
    .executeTakeFirst();
  if (!row) throw notFound('client user');
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    organisation: { id: row.org_id, name: row.org_name },
    mobile: row.mobile_last4 ? `••••${row.mobile_last4}` : null,
  };
}

export interface ClientApplicationView {
  id: string;
  reference: string;
  programme: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

const appQuery = (ctx: Pick<Ctx, 'db'>, actor: ClientActor) =>
  ctx.db
    .selectFrom('applications as a')
    .innerJoin('programmes as p', 'p.id', 'a.programme_id')
    .select(['a.id', 'a.reference', 'p.name as programme', 'a.status', 'a.created_at', 'a.updated_at'])
    .where('a.client_organisation_id', '=', actor.organisationId);

function present(r: {
  id: string;
  reference: string;
  programme: string;
  status: string;
  created_at: Date;
  updated_at: Date;
}): ClientApplicationView {
  return {
    id: r.id,
    reference: r.reference,
    programme: r.programme,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function listClientApplications(
  ctx: Pick<Ctx, 'db'>,
  actor: ClientActor,
): Promise<ClientApplicationView[]> {
  return (await appQuery(ctx, actor).orderBy('a.created_at', 'desc').limit(200).execute()).map(present);
}

/** One application of the actor's organisation; another organisation's is "not found", never "forbidden". */
export async function getClientApplication(
  ctx: Pick<Ctx, 'db'>,
  actor: ClientActor,
  id: string,
): Promise<ClientApplicationView> {
  const row = await appQuery(ctx, actor).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('application');
  return present(row);
}
