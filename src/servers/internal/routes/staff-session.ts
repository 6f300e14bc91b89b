/**
 * The signed-in staff user of a request and the view of their session, shared by the routes that
 * start, rotate or show a staff session (password and second factor, passkeys, single sign-on).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../modules/access/actor.ts';
import { authenticateSession, type LiveSession } from '../../../modules/auth/sessions/index.ts';
import { AppError } from '../../../platform/errors.ts';
import type { AuthServices } from '../auth-services.ts';
import { setSessionCookie } from '../session-cookie.ts';

export type StaffActor = Extract<Actor, { kind: 'staff' }>;

/** The signed-in staff user of a request; API keys have no account of their own here. */
export function staffActor(req: FastifyRequest): StaffActor {
  const actor = req.ctx.actor;
  if (actor.kind !== 'staff')
    throw new AppError('forbidden', 'this route is for signed-in staff users', { reason: 'staff_only' });
  return actor;
}

export interface SignedInExtra {
  recoveryCodes?: string[] | null;
  recoveryCodesRemaining?: number | null;
}

/** The views of a staff session: as `GET /auth/session` shows it, and as a sign-in answers. */
export function staffSessionViews(auth: AuthServices) {
  const db = auth.signIn.db;

  async function presentSession(actor: StaffActor, session: LiveSession) {
    const user = await db
      .selectFrom('staff_users')
      .select('display_name')
      .where('id', '=', actor.id)
      .executeTakeFirstOrThrow();
    // A trusted-network skip proves no second factor, so it opens no step-up window.
    const until =
      session.secondFactorAt && session.secondFactor !== 'trusted_network'
        ? new Date(session.secondFactorAt.getTime() + auth.session.stepUpWindowMs)
        : null;
    return {
      user: {
        id: actor.id,
        username: actor.username,
        displayName: user.display_name,
        rights: [...actor.rights].sort(),
      },
      session: {
        id: session.id,
        expiresAt: session.expiresAt.toISOString(),
        secondFactor: session.secondFactor,
        steppedUpUntil: until && until > new Date() ? until.toISOString() : null,
        csrfToken: session.csrfToken,
      },
    };
  }

  async function sessionView(token: string, requestId: string) {
    const found = await authenticateSession(db, token, auth.session, { now: new Date(), requestId });
    if (!found) throw new AppError('unauthenticated', 'session ended');
    return presentSession(found.actor, found.session);
  }

  /** The answer to a sign-in (or rotation) that produced `token`, with its cookie set. */
  async function signedIn(
    reply: FastifyReply,
    req: FastifyRequest,
    token: string,
    extra: SignedInExtra = {},
  ) {
    setSessionCookie(reply, token);
    const view = await sessionView(token, req.id);
    return {
      status: 'signed_in' as const,
      ...view,
      ...(extra.recoveryCodes ? { recoveryCodes: extra.recoveryCodes } : {}),
      ...(typeof extra.recoveryCodesRemaining === 'number'
        ? { recoveryCodesRemaining: extra.recoveryCodesRemaining }
        : {}),
    };
  }

  return { presentSession, sessionView, signedIn };
}
