/**
 * Invitations of client users to the portal.
 *
 * Staff send one (`sendInvitation`): a random 256-bit token, single use, expiring (default 72 h),
 * e-mailed as a portal link with the token in the URL fragment (browsers do not send fragments, so
 * it stays out of access logs); only its SHA-256 is stored, and a new invitation revokes the open
 * ones. A random token looked up by hash is as unforgeable as a signed one and, unlike a signature,
 * can be revoked and used once.
 *
 * Opening it (`openInvitation`) shows nothing: it starts a sign-in in stage 'second_factor' for the
 * invited user, which only the second factor bound to the invitation completes: an SMS code sent
 * to the phone staff entered, or the user's own authenticator. Someone who has the link but not
 * that phone gets nowhere. Completing it (`acceptInvitation`) needs that code and the new password
 * together; then the password is set, the user becomes active, the invitation is spent and the
 * session becomes an ordinary active client session. Every refusal is audited with its reason.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Mailer } from '../../platform/mail/gateway.ts';
import type { SmsGateway } from '../../platform/sms/gateway.ts';
import { mobileContext } from '../auth/users/staff-user.rules.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit, recordAudit } from '../audit/audit.repository.ts';
import { getFactorSummary } from '../auth/factors/index.ts';
import { hashNewPassword, type PasswordPolicyOptions } from '../auth/passwords/index.ts';
import { contextWordsOf } from '../auth/passwords/password-policy.ts';
import { rotateSession, startSession, type LiveSession } from '../auth/sessions/index.ts';
import { hashSessionToken, isWellFormedToken } from '../auth/sessions/session.token.ts';
import {
  SecondFactorFailedError,
  sendSmsCode,
  type SignInDeps,
  type SignInRequest,
} from '../auth/sign-in/index.ts';
import { signInCtx } from '../auth/sign-in/sign-in.options.ts';
import { checkSecondFactor } from '../auth/sign-in/check-second-factor.ts';
import { beginAttempt, normaliseIp } from '../auth/throttle/index.ts';

export const DEFAULT_INVITATION_TTL_MS = 72 * 3_600_000;

export interface InvitationMailDeps {
  mailer: Mailer;
  /** For the optional SMS notice (the link itself is never sent by SMS). */
  sms?: SmsGateway | undefined;
  /** Base https URL of the portal. */
  portalUrl: string;
  firmName: string;
  ttlMs?: number;
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** The answer to every unusable invitation: the client must not learn which reason applied. */
export class InvitationRefusedError extends AppError {
  constructor() {
    super(
      'unauthenticated',
      'This invitation link is not valid: it was used, has expired, or was replaced.',
      {
        reason: 'invitation_invalid',
      },
    );
    this.name = 'InvitationRefusedError';
  }
}

/**
 * Sends a new invitation to a client user (revoking any open one). The user must not be disabled
 * and must have a second factor the invitation can be bound to: a mobile number or an active
 * authenticator. Returns whether the mail server accepted the e-mail; the token is never returned.
 */
export interface SendInvitationOptions {
  /** An application of the user's organisation the invitation is about (a task to complete). */
  applicationId?: string | null | undefined;
  /**
   * Also send an SMS telling the user an invitation is in their e-mail. The SMS never carries the
   * link: the link and the code that opens it must not arrive on the same device.
   */
  sms?: boolean | undefined;
}

export async function sendInvitation(
  ctx: Ctx,
  deps: InvitationMailDeps,
  clientUserId: string,
  options: SendInvitationOptions = {},
): Promise<{ invitationId: string; expiresAt: string; mailed: boolean; smsSent: boolean }> {
  const user = await ctx.db
    .selectFrom('client_users as u')
    .innerJoin('client_organisations as o', 'o.id', 'u.organisation_id')
    .select([
      'u.id',
      'u.email',
      'u.display_name',
      'u.status',
      'u.mobile_enc',
      'o.status as org_status',
      'o.name as org',
      'o.id as org_id',
    ])
    .where('u.id', '=', clientUserId)
    .executeTakeFirst();
  if (!user) throw notFound('client user');
  let application: { id: string; reference: string } | null = null;
  if (options.applicationId) {
    application =
      (await ctx.db
        .selectFrom('applications')
        .select(['id', 'reference'])
        .where('id', '=', options.applicationId)
        .where('client_organisation_id', '=', user.org_id)
        .executeTakeFirst()) ?? null;
    if (!application)
      throw new AppError('validation', "the application is not one of this user's organisation", {
        reason: 'application_not_of_organisation',
        errors: [{ path: '/applicationId', message: "is not an application of the user's organisation" }],
      });
  }
  if (options.sms && !user.mobile_enc)
    throw new AppError('validation', 'the user has no mobile number for an SMS notice', {
      reason: 'no_mobile',
      errors: [{ path: '/sms', message: 'needs a mobile number on the user' }],
    });
  if (user.status === 'disabled' || user.org_status !== 'active')
    throw new AppError('conflict', 'the user or their organisation is disabled', { reason: 'disabled' });
  const factors = await getFactorSummary(ctx.db, user.id);
  if (!user.mobile_enc && !factors.totp)
    throw new AppError('validation', 'the user needs a mobile number for the invitation code', {
      reason: 'no_factor',
      errors: [{ path: '/mobile', message: 'is required to invite this user' }],
    });
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + (deps.ttlMs ?? DEFAULT_INVITATION_TTL_MS));
  const id = randomUUID();
  const revoked = await inTransaction(ctx.db, async (tx) => {
    const r = await tx
      .updateTable('client_invitations')
      .set({ revoked_at: now })
      .where('client_user_id', '=', user.id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    await tx
      .insertInto('client_invitations')
      .values({
        id,
        client_user_id: user.id,
        token_hash: tokenHash(token),
        created_by: actorRef(ctx.actor),
        created_at: now,
        expires_at: expiresAt,
        application_id: application?.id ?? null,
      })
      .execute();
    return Number(r.numUpdatedRows);
  });
  const base = deps.portalUrl.replace(/\/+$/, '');
  const product = deps.firmName || 'Dossier';
  let mailed = true;
  try {
    await deps.mailer.send({
      to: user.email,
      subject: `${product}: your invitation to the client portal`,
      text:
        `Hello ${user.display_name},\n\n${product} invites you to its client portal for ${user.org}.\n\n` +
        (application ? `It asks you to complete application ${application.reference}.\n\n` : '') +
        `Open this link to choose your password: ${base}/invitation#token=${token}\n\n` +
        `You will be asked for a code sent to your phone (or from your authenticator app) first. ` +
        `The link works once and expires ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.\n\n` +
        `If you did not expect this e-mail, ignore it.\n\n-- ${product}`,
    });
  } catch {
    mailed = false;
  }
  let smsSent = false;
  if (options.sms && mailed && deps.sms && user.mobile_enc) {
    try {
      await deps.sms.send({
        to: ctx.keyring.decryptField(user.mobile_enc, mobileContext(user.id, 'client')),
        body: `${product}: an invitation to the client portal is in your e-mail. It never comes by SMS.`,
        reference: `invitation-${id}`,
      });
      smsSent = true;
    } catch {
      smsSent = false;
    }
  }
  await recordAudit(ctx.db, ctx, {
    type: 'client_invitation.sent',
    target: { type: 'client_user', id: user.id },
    payload: {
      invitationId: id,
      expiresAt: expiresAt.toISOString(),
      mailed,
      revoked,
      applicationId: application?.id ?? null,
      smsSent,
    },
  });
  return { invitationId: id, expiresAt: expiresAt.toISOString(), mailed, smsSent };
}

interface UsableInvitation {
  id: string;
  userId: string;
  username: string;
  email: string;
  displayName: string;
  mobileEnc: Uint8Array | null;
  mobileLast4: string | null;
  applicationId: string | null;
}

/** The invitation a token names if it can still be used, else null and the reason audited. */
async function usableInvitation(
  deps: SignInDeps,
  req: SignInRequest,
  token: string,
  now: Date,
): Promise<UsableInvitation> {
  const ctx = signInCtx(deps, req, now);
  // Block-delay per source, as for passwords: each token is its own "account" (so no one can
  // delay another client's invitation), and the source key delays whoever tries many. Tokens are
  // 256-bit, so this bounds floods rather than guessing.
  const attempt = await beginAttempt(
    deps.db,
    {
      scope: 'password',
      account: `invitation:${tokenHash(token).toString('hex')}`,
      ip: normaliseIp(req.ip),
      now,
      realm: 'client',
      requestId: req.requestId,
    },
    deps.throttle,
  );
  const refuse = async (
    reason: 'unknown' | 'used' | 'expired' | 'revoked' | 'user_disabled' | 'no_factor' | 'delayed',
    userId?: string,
  ): Promise<never> => {
    if (attempt.allowed) {
      // A dead link counts as a failure for its source; a disabled user is not the caller's fault.
      if (reason === 'user_disabled') await attempt.release();
      else await attempt.fail(now);
    }
    await recordAudit(deps.db, ctx, {
      type: 'client_invitation.refused',
      ...(userId ? { target: { type: 'client_user' as const, id: userId } } : {}),
      payload: { reason, ip: normaliseIp(req.ip) },
    });
    throw new InvitationRefusedError();
  };
  if (!attempt.allowed) return refuse('delayed');
  if (!TOKEN_RE.test(token)) return refuse('unknown');
  const row = await deps.db
    .selectFrom('client_invitations as i')
    .innerJoin('client_users as u', 'u.id', 'i.client_user_id')
    .innerJoin('client_organisations as o', 'o.id', 'u.organisation_id')
    .select([
      'i.id',
      'i.used_at',
      'i.revoked_at',
      'i.expires_at',
      'u.id as user_id',
      'u.username',
      'u.email',
      'u.display_name',
      'u.status',
      'u.mobile_enc',
      'u.mobile_last4',
      'o.status as org_status',
      'i.application_id',
    ])
    .where('i.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!row) return refuse('unknown');
  if (row.used_at) return refuse('used', row.user_id);
  if (row.revoked_at) return refuse('revoked', row.user_id);
  if (row.expires_at <= now) return refuse('expired', row.user_id);
  if (row.status === 'disabled' || row.org_status !== 'active') return refuse('user_disabled', row.user_id);
  await attempt.release();
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    mobileEnc: row.mobile_enc,
    mobileLast4: row.mobile_last4,
    applicationId: row.application_id,
  };
}

export interface OpenedInvitation {
  /** The pending session's token (stage 'second_factor'): good only for the next calls. */
  token: string;
  session: LiveSession;
  /** 'sms' when the code goes to the invited phone; 'totp' when the user has an authenticator. */
  factor: 'sms' | 'totp';
  /** `••••1234` of the phone the code goes to. */
  mobile: string | null;
}

/** Opens an invitation: a pending sign-in bound to it; nothing about the client is shown yet. */
export async function openInvitation(
  deps: SignInDeps,
  req: SignInRequest,
  invitationToken: string,
): Promise<OpenedInvitation> {
  const now = (deps.now ?? (() => new Date()))();
  const inv = await usableInvitation(deps, req, invitationToken, now);
  const factors = await getFactorSummary(deps.db, inv.userId);
  const factor = factors.totp ? 'totp' : inv.mobileEnc ? 'sms' : null;
  if (!factor) {
    await recordAudit(deps.db, signInCtx(deps, req, now), {
      type: 'client_invitation.refused',
      target: { type: 'client_user', id: inv.userId },
      payload: { reason: 'no_factor', ip: normaliseIp(req.ip) },
    });
    throw new InvitationRefusedError();
  }
  const ctx = signInCtx(deps, req, now);
  const started = await inTransaction(deps.db, async (tx) => {
    const s = await startSession(
      tx,
      ctx,
      {
        userId: inv.userId,
        realm: 'client',
        secondFactor: null,
        stage: 'second_factor',
        ip: normaliseIp(req.ip),
        userAgent: req.userAgent,
      },
      deps.session,
    );
    await appendAudit(tx, ctx, {
      type: 'client_invitation.opened',
      target: { type: 'client_user', id: inv.userId },
      payload: { invitationId: inv.id, ip: normaliseIp(req.ip), sessionId: s.session.id },
    });
    return s;
  });
  return {
    ...started,
    factor,
    mobile: factor === 'sms' && inv.mobileLast4 ? `••••${inv.mobileLast4}` : null,
  };
}

/** The pending invitation sign-in of this session token, for this invitation; else refused. */
async function pendingInvitation(
  deps: SignInDeps,
  req: SignInRequest,
  input: { sessionToken: string | null; invitationToken: string },
  now: Date,
): Promise<{ inv: UsableInvitation; sessionId: string }> {
  const inv = await usableInvitation(deps, req, input.invitationToken, now);
  if (!input.sessionToken || !isWellFormedToken(input.sessionToken)) throw new InvitationRefusedError();
  const s = await deps.db
    .selectFrom('sessions')
    .select(['id', 'user_id'])
    .where('token_hash', '=', hashSessionToken(input.sessionToken))
    .where('realm', '=', 'client')
    .where('stage', '=', 'second_factor')
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!s || s.user_id !== inv.userId) throw new InvitationRefusedError();
  return { inv, sessionId: s.id };
}

/** Sends the invitation's SMS code to the invited phone (never to any other number). */
export async function sendInvitationSmsCode(
  deps: SignInDeps,
  req: SignInRequest,
  input: { sessionToken: string | null; invitationToken: string },
): Promise<{ expiresAt: Date }> {
  const now = (deps.now ?? (() => new Date()))();
  const { inv, sessionId } = await pendingInvitation(deps, req, input, now);
  return sendSmsCode(deps, req, { userId: inv.userId, attemptId: sessionId, mobileEnc: inv.mobileEnc });
}

export interface AcceptInvitationInput {
  sessionToken: string | null;
  invitationToken: string;
  factor: 'sms' | 'totp';
  code: string;
  password: string;
}

/**
 * Completes an invitation: the new password must pass the policy, then the code of the bound factor
 * is checked (block-delay applies), then in one transaction the password is set, the user becomes
 * active, the invitation is spent (once: a concurrent use loses) and the session becomes active
 * under a new token.
 */
export async function acceptInvitation(
  deps: SignInDeps,
  req: SignInRequest,
  input: AcceptInvitationInput,
  passwordPolicy: Omit<PasswordPolicyOptions, 'username'>,
): Promise<{ token: string; session: LiveSession; userId: string; applicationId: string | null }> {
  const now = (deps.now ?? (() => new Date()))();
  const { inv, sessionId } = await pendingInvitation(deps, req, input, now);
  const hash = await hashNewPassword(deps.hasher, input.password, {
    ...passwordPolicy,
    username: inv.username,
    contextWords: [...(passwordPolicy.contextWords ?? []), ...contextWordsOf([inv.email, inv.displayName])],
  });
  const ok = await checkSecondFactor(deps, req, {
    step: 'second_factor',
    user: { id: inv.userId, username: inv.username },
    attemptId: sessionId,
    factor: input.factor,
    code: input.code,
  });
  if (!ok) throw new SecondFactorFailedError();
  const ctx = signInCtx(deps, req, now);
  const ip = normaliseIp(req.ip);
  const rotated = await inTransaction(deps.db, async (tx) => {
    const spent = await tx
      .updateTable('client_invitations')
      .set({ used_at: now })
      .where('id', '=', inv.id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw new InvitationRefusedError();
    await tx
      .updateTable('client_users')
      .set({ password_hash: hash, password_changed_at: now, status: 'active', updated_at: now })
      .where('id', '=', inv.userId)
      .where('status', '<>', 'disabled')
      .execute();
    const r = await rotateSession(
      ctx,
      { sessionId, secondFactor: input.factor, from: 'second_factor' },
      deps.session,
      tx,
    );
    await appendAudit(tx, ctx, {
      type: 'client_user.password_set',
      target: { type: 'client_user', id: inv.userId },
      payload: { via: 'invitation' },
    });
    await appendAudit(tx, ctx, {
      type: 'client_invitation.accepted',
      target: { type: 'client_user', id: inv.userId },
      payload: { invitationId: inv.id, ip, sessionId },
    });
    await appendAudit(tx, ctx, {
      type: 'auth.signed_in',
      target: { type: 'client_user', id: inv.userId },
      payload: { secondFactor: input.factor, ip, sessionId },
    });
    return r;
  });
  return { ...rotated, userId: inv.userId, applicationId: inv.applicationId };
}
