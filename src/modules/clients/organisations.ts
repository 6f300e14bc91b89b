/**
 * Client organisations (the firm's B2B clients) and their portal users, as staff manage them
 * (right `client:manage`). A client user belongs to one organisation with a role inside it: owner
 * (manages the organisation's applications and answers for it), contributor (fills in and uploads),
 * read-only. Users start 'invited': they choose their password through an invitation
 * (invitations.ts), never from staff. Disabling a user or an organisation ends its sessions at once.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isUniqueViolation } from '../../db/errors.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { ClientRole } from '../../db/types.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findVisibleApplication } from '../applications/find-visible-application.ts';
import { endUserSessions } from '../auth/sessions/index.ts';
import {
  mobileContext,
  normaliseDisplayName,
  normaliseEmail,
  normaliseMobile,
  normaliseUsername,
} from '../auth/users/staff-user.rules.ts';

export const CLIENT_ROLES: readonly ClientRole[] = ['owner', 'contributor', 'read_only'];

export interface ClientOrganisationView {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  users: number;
  createdAt: string;
  version: number;
}

export interface ClientUserView {
  id: string;
  organisationId: string;
  username: string;
  email: string;
  displayName: string;
  role: ClientRole;
  status: 'invited' | 'active' | 'disabled';
  /** `••••1234`, or null. */
  mobile: string | null;
  createdAt: string;
  version: number;
}

function normaliseOrgName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name.length < 1 || name.length > 200 || /\p{Cc}/u.test(name))
    throw validationError('invalid organisation name', [{ path: '/name', message: 'is empty or invalid' }]);
  return name;
}

export async function createClientOrganisation(
  ctx: Ctx,
  input: { name: string },
): Promise<ClientOrganisationView> {
  const name = normaliseOrgName(input.name);
  const now = ctx.now();
  const id = randomUUID();
  try {
    await inTransaction(ctx.db, async (tx) => {
      await tx
        .insertInto('client_organisations')
        .values({ id, name, status: 'active', created_at: now, updated_at: now })
        .execute();
      await appendAudit(tx, ctx, {
        type: 'client_organisation.created',
        target: { type: 'client_organisation', id },
        payload: { fields: ['name'] },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('conflict', 'an organisation with this name exists', { fields: ['name'] });
    throw err;
  }
  return getClientOrganisation(ctx, id);
}

const organisationRows = (ctx: Pick<Ctx, 'db'>) =>
  ctx.db
    .selectFrom('client_organisations as o')
    .selectAll('o')
    .select(
      sql<number>`(SELECT count(*)::int FROM client_users u WHERE u.organisation_id = o.id)`.as('users'),
    );

function presentOrganisation(row: {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  users: number;
  created_at: Date;
  version: number;
}): ClientOrganisationView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    users: Number(row.users),
    createdAt: row.created_at.toISOString(),
    version: row.version,
  };
}

export async function getClientOrganisation(
  ctx: Pick<Ctx, 'db'>,
  id: string,
): Promise<ClientOrganisationView> {
  const row = await organisationRows(ctx).where('o.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('client organisation');
  return presentOrganisation(row);
}

export async function listClientOrganisations(ctx: Pick<Ctx, 'db'>): Promise<ClientOrganisationView[]> {
  return (await organisationRows(ctx).orderBy('o.name').limit(1000).execute()).map(presentOrganisation);
}

/** Disables or re-enables an organisation; disabling ends every session of its users. */
export async function setClientOrganisationStatus(
  ctx: Ctx,
  id: string,
  status: 'active' | 'disabled',
): Promise<ClientOrganisationView> {
  await inTransaction(ctx.db, async (tx) => {
    const row = await tx
      .updateTable('client_organisations')
      .set({ status, updated_at: ctx.now(), version: sql`version + 1` })
      .where('id', '=', id)
      .returning(['version'])
      .executeTakeFirst();
    if (!row) throw notFound('client organisation');
    if (status === 'disabled') {
      const users = await tx
        .selectFrom('client_users')
        .select('id')
        .where('organisation_id', '=', id)
        .execute();
      for (const u of users) await endUserSessions(tx, ctx, { userId: u.id, reason: 'user_disabled' });
    }
    await appendAudit(tx, ctx, {
      type: 'client_organisation.updated',
      target: { type: 'client_organisation', id },
      payload: { changes: ['status'], version: row.version },
    });
  });
  return getClientOrganisation(ctx, id);
}

export interface CreateClientUserInput {
  organisationId: string;
  username: string;
  email: string;
  displayName: string;
  role: ClientRole;
  /** The phone the invitation's SMS code goes to: required to invite a user with no authenticator. */
  mobile?: string | undefined;
}

export async function createClientUser(ctx: Ctx, input: CreateClientUserInput): Promise<ClientUserView> {
  const username = normaliseUsername(input.username);
  const email = normaliseEmail(input.email);
  const displayName = normaliseDisplayName(input.displayName);
  if (!CLIENT_ROLES.includes(input.role))
    throw validationError('invalid role', [{ path: '/role', message: 'is not a client role' }]);
  const mobile = input.mobile === undefined ? null : normaliseMobile(input.mobile);
  const id = randomUUID();
  const now = ctx.now();
  try {
    await inTransaction(ctx.db, async (tx) => {
      const org = await tx
        .selectFrom('client_organisations')
        .select('status')
        .where('id', '=', input.organisationId)
        .executeTakeFirst();
      if (!org) throw notFound('client organisation');
      await tx
        .insertInto('client_users')
        .values({
          id,
          organisation_id: input.organisationId,
          username,
          email,
          display_name: displayName,
          role: input.role,
          status: 'invited',
          mobile_enc: mobile ? ctx.keyring.encryptField(mobile, mobileContext(id, 'client')) : null,
          mobile_last4: mobile ? mobile.slice(-4) : null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await appendAudit(tx, ctx, {
        type: 'client_user.created',
        target: { type: 'client_user', id },
        payload: {
          organisationId: input.organisationId,
          role: input.role,
          fields: ['username', 'email', 'displayName', ...(mobile ? ['mobile'] : [])],
        },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('conflict', 'username or e-mail already in use', { fields: ['username', 'email'] });
    throw err;
  }
  return getClientUser(ctx, id);
}

export async function getClientUser(ctx: Pick<Ctx, 'db'>, id: string): Promise<ClientUserView> {
  const row = await ctx.db.selectFrom('client_users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('client user');
  return presentClientUser(row);
}

export async function listClientUsers(
  ctx: Pick<Ctx, 'db'>,
  organisationId: string,
): Promise<ClientUserView[]> {
  await getClientOrganisation(ctx, organisationId);
  const rows = await ctx.db
    .selectFrom('client_users')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('username')
    .execute();
  return rows.map(presentClientUser);
}

function presentClientUser(row: {
  id: string;
  organisation_id: string;
  username: string;
  email: string;
  display_name: string;
  role: ClientRole;
  status: 'invited' | 'active' | 'disabled';
  mobile_last4: string | null;
  created_at: Date;
  version: number;
}): ClientUserView {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    status: row.status,
    mobile: row.mobile_last4 ? `••••${row.mobile_last4}` : null,
    createdAt: row.created_at.toISOString(),
    version: row.version,
  };
}

/** Disables a client user: every session ends at once, open invitations are revoked. */
export async function disableClientUser(ctx: Ctx, id: string): Promise<ClientUserView> {
  await inTransaction(ctx.db, async (tx) => {
    const now = ctx.now();
    const row = await tx
      .updateTable('client_users')
      .set({ status: 'disabled', disabled_at: now, updated_at: now, version: sql`version + 1` })
      .where('id', '=', id)
      .returning(['id'])
      .executeTakeFirst();
    if (!row) throw notFound('client user');
    await tx
      .updateTable('client_invitations')
      .set({ revoked_at: now })
      .where('client_user_id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    const ended = await endUserSessions(tx, ctx, { userId: id, reason: 'user_disabled' });
    await appendAudit(tx, ctx, {
      type: 'client_user.disabled',
      target: { type: 'client_user', id },
      payload: { sessionsEnded: ended },
    });
  });
  return getClientUser(ctx, id);
}

/**
 * Names the client organisation an application is for (or none), so that organisation's users see
 * it on the portal. The application must be one the actor may see (programme membership).
 */
export async function setApplicationClientOrganisation(
  ctx: Ctx,
  applicationId: string,
  organisationId: string | null,
): Promise<{ applicationId: string; organisationId: string | null }> {
  const app = await findVisibleApplication(ctx.db, ctx.actor, applicationId);
  if (!app) throw notFound('application');
  if (organisationId !== null) await getClientOrganisation(ctx, organisationId);
  await inTransaction(ctx.db, async (tx) => {
    await tx
      .updateTable('applications')
      .set({ client_organisation_id: organisationId, updated_at: ctx.now(), version: sql`version + 1` })
      .where('id', '=', applicationId)
      .execute();
    await appendAudit(tx, ctx, {
      type: 'application.client_organisation_set',
      target: { type: 'application', id: applicationId },
      payload: { from: app.client_organisation_id, to: organisationId },
    });
  });
  return { applicationId, organisationId };
}
