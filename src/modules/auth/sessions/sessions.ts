/**
 * Staff sessions: started after a complete sign-in, resolved on every request, rotated when a
 * second factor is given again (the old token dies), ended by logout, expiry, the user, an
 * administrator or the user's disablement. Every start, rotation and end is audited.
 */
import { randomUUID } from 'node:crypto';
import { inTransaction, type Tx } from '../../../db/transaction.ts';
import type { Ctx } from '../../../platform/context.ts';
import { notFound } from '../../../platform/errors.ts';
import type { SessionEndReason } from '../../audit/audit.events.ts';
import { appendAudit } from '../../audit/audit.repository.ts';
import type { SessionPolicy } from './session.policy.ts';
import {
  findLiveSessionByHash,
  findSession,
  insertSession,
  listLiveSessions,
  markEnded,
  markUserSessionsEnded,
  touchSession,
  type SessionRow,
} from './session.repository.ts';
import { hashSessionToken, isWellFormedToken, newCsrfToken, newSessionToken } from './session.token.ts';

export type SecondFactor = NonNullable<SessionRow['second_factor']>;

/** What the rest of the system sees of a live session. */
export interface LiveSession {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  secondFactor: SecondFactor | null;
  secondFactorAt: Date | null;
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  secondFactor: SecondFactor | null;
  ip: string | null;
  userAgent: string | null;
}

function live(row: SessionRow): LiveSession {
  return {
    id: row.id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    secondFactor: row.second_factor,
    secondFactorAt: row.second_factor_at,
  };
}

export interface StartSessionInput {
  userId: string;
  secondFactor: SecondFactor | null;
  ip: string | null;
  userAgent: string | null;
}

/** Starts a session inside the sign-in transaction; the token is returned once, only its hash is kept. */
export async function startSession(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  input: StartSessionInput,
  policy: SessionPolicy,
): Promise<{ token: string; session: LiveSession }> {
  const now = ctx.now();
  const { token, hash } = newSessionToken();
  const row = await insertSession(tx, {
    id: randomUUID(),
    token_hash: hash,
    user_id: input.userId,
    csrf_token: newCsrfToken(),
    created_at: now,
    last_seen_at: now,
    expires_at: new Date(now.getTime() + policy.absoluteLifetimeMs),
    second_factor: input.secondFactor,
    second_factor_at: input.secondFactor ? now : null,
    ip: input.ip?.slice(0, 64) ?? null,
    user_agent: input.userAgent?.slice(0, 300) ?? null,
  });
  await appendAudit(tx, ctx, {
    type: 'session.started',
    target: { type: 'session', id: row.id },
    payload: { userId: input.userId, secondFactor: input.secondFactor, ip: row.ip },
  });
  return { token, session: live(row) };
}

/**
 * The live session a token names, or null (unknown, ended, idle too long or past its lifetime). An
 * expired session found here is ended and audited, so it shows as ended everywhere.
 */
export async function resolveSession(
  ctx: Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now'>,
  token: string,
  policy: SessionPolicy,
): Promise<LiveSession | null> {
  if (!isWellFormedToken(token)) return null;
  const row = await findLiveSessionByHash(ctx.db, hashSessionToken(token));
  if (!row) return null;
  const now = ctx.now();
  const expired: SessionEndReason | null =
    row.expires_at <= now
      ? 'expired'
      : now.getTime() - row.last_seen_at.getTime() > policy.idleTimeoutMs
        ? 'idle'
        : null;
  if (expired) {
    await endSessionRow(ctx, row.id, expired);
    return null;
  }
  if (now.getTime() - row.last_seen_at.getTime() > policy.touchEveryMs) {
    await touchSession(ctx.db, row.id, now, new Date(now.getTime() - policy.touchEveryMs));
  }
  return live(row);
}

/**
 * Gives the session a new token after a second factor (at sign-in completion or step-up): the old
 * token stops working at once (ASVS 7.2.4).
 */
export async function rotateSession(
  ctx: Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now'>,
  sessionId: string,
  secondFactor: SecondFactor,
): Promise<{ token: string; session: LiveSession }> {
  const now = ctx.now();
  const { token, hash } = newSessionToken();
  return inTransaction(ctx.db, async (tx) => {
    const row = await tx
      .updateTable('sessions')
      .set({
        token_hash: hash,
        second_factor: secondFactor,
        second_factor_at: now,
        csrf_token: newCsrfToken(),
        last_seen_at: now,
      })
      .where('id', '=', sessionId)
      .where('ended_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('session');
    await appendAudit(tx, ctx, {
      type: 'session.rotated',
      target: { type: 'session', id: row.id },
      payload: { userId: row.user_id, secondFactor },
    });
    return { token, session: live(row) };
  });
}

async function endSessionRow(
  ctx: Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now'>,
  id: string,
  reason: SessionEndReason,
): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const ended = await markEnded(tx, id, reason, ctx.now());
    if (!ended) return false;
    await appendAudit(tx, ctx, {
      type: 'session.ended',
      target: { type: 'session', id },
      payload: { userId: ended.user_id, reason },
    });
    return true;
  });
}

/** Ends one session. `userId`, when given, must own it (a user ends only their own): else not found. */
export async function endSession(
  ctx: Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now'>,
  input: { sessionId: string; reason: SessionEndReason; userId?: string },
): Promise<void> {
  const row = await findSession(ctx.db, input.sessionId);
  if (!row || row.ended_at || (input.userId !== undefined && row.user_id !== input.userId))
    throw notFound('session');
  await endSessionRow(ctx, row.id, input.reason);
}

/**
 * Ends every live session of a user, in the caller's transaction when one is given (disabling a
 * user and ending their sessions commit together), optionally keeping the caller's own session.
 */
export async function endUserSessions(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'requestId' | 'now'>,
  input: { userId: string; reason: SessionEndReason; exceptSessionId?: string },
): Promise<number> {
  const ended = await markUserSessionsEnded(tx, input.userId, input.reason, ctx.now(), input.exceptSessionId);
  for (const s of ended) {
    await appendAudit(tx, ctx, {
      type: 'session.ended',
      target: { type: 'session', id: s.id },
      payload: { userId: s.user_id, reason: input.reason },
    });
  }
  return ended.length;
}

/** A user's live sessions, newest first. */
export async function listSessions(ctx: Pick<Ctx, 'db' | 'now'>, userId: string): Promise<SessionView[]> {
  return (await listLiveSessions(ctx.db, userId, ctx.now())).map((r) => ({
    id: r.id,
    createdAt: r.created_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    secondFactor: r.second_factor,
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}
