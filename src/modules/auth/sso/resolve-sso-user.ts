/**
 * The staff user a verified ID token stands for, inside the callback's transaction:
 *
 * - an identity already linked (provider, subject) names its user;
 * - else `preProvisioned`: an existing user found by the configured claim (an e-mail only when the
 *   provider says it is verified; a username), not yet linked to another subject of this provider,
 *   is linked (audited);
 * - else `jit`: a new staff user without a password is created and linked (audited), only when
 *   neither its username nor its e-mail belongs to someone else (an account is never taken over by
 *   name; an administrator links such a user by pre-provisioning);
 * - a disabled user is refused; so is a sign-in none of whose groups is mapped, when required;
 * - then the roles and programme memberships of the matched mappings are applied
 *   (reconcileExternalGrants, source 'sso:<provider>'), taking away only what this provider gave
 *   before, never an administrator's or the directory's grant, and never creating a
 *   separation-of-duties breach (the sign-in is refused, audited).
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import { reconcileExternalGrants } from '../../roles/index.ts';
import { insertProvisionedStaffUser } from '../users/index.ts';
import { SsoRefusedError } from './sso.errors.ts';
import type { SsoClaims } from './sso-claims.ts';
import type { SsoProviderSettings } from './sso.settings.ts';
import { findIdentity, findIdentityOfUser, insertIdentity, touchIdentity } from './sso.repository.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ResolvedSsoUser {
  id: string;
  username: string;
  mobileLast4: string | null;
}

export async function resolveSsoUser(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  o: {
    settings: SsoProviderSettings;
    claims: SsoClaims;
    mappings: SsoProviderSettings['roleMappings'];
    subjectHash: string;
  },
): Promise<ResolvedSsoUser> {
  const { settings, claims } = o;
  const provider = settings.id;
  const now = ctx.now();
  const refuse = (reason: ConstructorParameters<typeof SsoRefusedError>[0]) =>
    new SsoRefusedError(reason, o.subjectHash);

  const linked = await findIdentity(tx, provider, claims.subject);
  let userId: string;
  if (linked) {
    userId = linked.user_id;
  } else if (settings.provisioning === 'preProvisioned') {
    userId = await linkExisting(tx, ctx, o, refuse);
  } else {
    if (settings.requireMappedGroup && o.mappings.length === 0) throw refuse('no_mapped_group');
    userId = await provision(tx, ctx, o, refuse);
  }

  const user = await tx
    .selectFrom('staff_users')
    .select(['id', 'username', 'status', 'mobile_last4'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (user.status !== 'active') throw refuse('user_disabled');
  if (settings.requireMappedGroup && o.mappings.length === 0) throw refuse('no_mapped_group');
  await applyGrants(tx, ctx, { userId, provider, mappings: o.mappings });
  await touchIdentity(tx, provider, claims.subject, now);
  return { id: user.id, username: user.username, mobileLast4: user.mobile_last4 };
}

async function linkExisting(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  o: { settings: SsoProviderSettings; claims: SsoClaims; subjectHash: string },
  refuse: (r: 'not_provisioned' | 'email_unverified' | 'account_conflict') => SsoRefusedError,
): Promise<string> {
  const { settings, claims } = o;
  let q = tx.selectFrom('staff_users').select('id');
  if (settings.matchBy === 'email') {
    if (!claims.email) throw refuse('not_provisioned');
    // An unverified address proves nothing: anyone can put someone else's e-mail in their profile.
    if (!claims.emailVerified) throw refuse('email_unverified');
    q = q.where(sql<string>`lower(email)`, '=', claims.email.toLowerCase());
  } else {
    if (!claims.username) throw refuse('not_provisioned');
    q = q.where(sql<string>`lower(username)`, '=', claims.username.toLowerCase());
  }
  const found = await q.execute();
  if (found.length !== 1) throw refuse('not_provisioned');
  const userId = found[0]!.id;
  // The user is already someone else at this provider: never re-link silently.
  if (await findIdentityOfUser(tx, settings.id, userId)) throw refuse('account_conflict');
  await insertIdentity(tx, {
    provider: settings.id,
    subject: claims.subject,
    user_id: userId,
    created_at: ctx.now(),
  });
  await appendAudit(tx, ctx, {
    type: 'staff_user.sso_linked',
    target: { type: 'staff_user', id: userId },
    payload: { provider: settings.id, subjectHash: o.subjectHash, matchBy: settings.matchBy },
  });
  return userId;
}

async function provision(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  o: { settings: SsoProviderSettings; claims: SsoClaims; subjectHash: string },
  refuse: (r: 'claims_invalid' | 'account_conflict' | 'email_unverified') => SsoRefusedError,
): Promise<string> {
  const { settings, claims } = o;
  // An unverified address proves nothing: it could be someone else's.
  if (!claims.emailVerified) throw refuse('email_unverified');
  // A username or e-mail someone else has is never taken over (an administrator links by pre-provisioning).
  const user = await insertProvisionedStaffUser(tx, ctx, {
    username: claims.username,
    email: claims.email,
    displayName: claims.displayName,
  });
  if (!user.created) throw refuse(user.reason === 'invalid' ? 'claims_invalid' : 'account_conflict');
  const id = user.id;
  const now = ctx.now();
  await insertIdentity(tx, { provider: settings.id, subject: claims.subject, user_id: id, created_at: now });
  await appendAudit(tx, ctx, {
    type: 'staff_user.sso_provisioned',
    target: { type: 'staff_user', id },
    payload: { provider: settings.id, subjectHash: o.subjectHash },
  });
  return id;
}

/** Role and programme ids named by the mappings (by id or by name); names that match nothing. */
async function resolveMappings(
  tx: Tx,
  mappings: SsoProviderSettings['roleMappings'],
): Promise<{ roles: string[]; programmes: string[]; unresolved: string[] }> {
  const roleRefs = [...new Set(mappings.flatMap((m) => m.roles))];
  const programmeRefs = [...new Set(mappings.flatMap((m) => m.programmes))];
  const unresolved: string[] = [];
  const roles = new Set<string>();
  const programmes = new Set<string>();
  if (roleRefs.length) {
    const rows = await tx.selectFrom('roles').select(['id', 'name']).execute();
    for (const ref of roleRefs) {
      const hit = rows.find((r) =>
        UUID.test(ref) ? r.id === ref.toLowerCase() : r.name.toLowerCase() === ref.toLowerCase(),
      );
      if (hit) roles.add(hit.id);
      else unresolved.push(`role:${ref}`);
    }
  }
  if (programmeRefs.length) {
    const rows = await tx.selectFrom('programmes').select(['id', 'name']).execute();
    for (const ref of programmeRefs) {
      const hit = rows.find((r) =>
        UUID.test(ref) ? r.id === ref.toLowerCase() : r.name.toLowerCase() === ref.toLowerCase(),
      );
      if (hit) programmes.add(hit.id);
      else unresolved.push(`programme:${ref}`);
    }
  }
  return { roles: [...roles].sort(), programmes: [...programmes].sort(), unresolved };
}

/**
 * The roles and memberships of the matched mappings, marked 'sso:<provider>' (reconcileExternalGrants):
 * only what this provider gave is taken away. A result that would break a separation-of-duties rule
 * refuses the sign-in (the transaction rolls back).
 */
async function applyGrants(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  o: { userId: string; provider: string; mappings: SsoProviderSettings['roleMappings'] },
): Promise<void> {
  const wanted = await resolveMappings(tx, o.mappings);
  const { diff, changed, conflict } = await reconcileExternalGrants(tx, ctx, {
    userId: o.userId,
    source: `sso:${o.provider}`,
    roleIds: wanted.roles,
    programmeIds: wanted.programmes,
    createdBy: `system:sso:${o.provider}`,
  });
  if (conflict) throw new SsoRefusedError('separation_of_duties');
  if (changed || wanted.unresolved.length)
    await appendAudit(tx, ctx, {
      type: 'staff_user.sso_grants_changed',
      target: { type: 'staff_user', id: o.userId },
      payload: { provider: o.provider, ...diff, unresolved: wanted.unresolved },
    });
}
