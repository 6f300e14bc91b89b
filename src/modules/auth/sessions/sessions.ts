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
  /** 'second_factor': the password was accepted, the second factor not yet given; authorises nothing else. */
  stage: 'second_factor' | 'active';
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  secondFactor: SecondFactor | null;
  secondFactorAt: Date | null;
}

export interface SessionView {
  id: string;
  stage: 'second_factor' | 'active';
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  secondFactor: SecondFactor | null;
  ip: string | null;
  userAgent: string | null;
}

/** The public view of a session row. */
export function live(row: SessionRow): LiveSession {
  return {
    id: row.id,
    userId: row.user_id,
    stage: row.stage,
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
  /** Default 'active'. A 'second_factor' session lives `policy.loginStepMs` at most. */
  stage?: 'second_factor' | 'active';
  /** Default 'staff'; must be the account's own realm (the database refuses any other). */
  realm?: 'staff' | 'client' | undefined;
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
  const stage = input.stage ?? 'active';
  const lifetime = stage === 'active' ? policy.absoluteLifetimeMs : policy.loginStepMs;
  const row = await insertSession(tx, {
    id: randomUUID(),
    token_hash: hash,
    user_id: input.userId,
    realm: input.realm ?? 'staff',
    csrf_token: newCsrfToken(),
    created_at: now,
    last_seen_at: now,
    expires_at: new Date(now.getTime() + lifetime),
    stage,
    second_factor: input.secondFactor,
    // A trusted network is not a factor: such a session has never stepped up.
    second_factor_at: input.secondFactor && input.secondFactor !== 'trusted_network' ? now : null,
    ip: input.ip?.slice(0, 64) ?? null,
    user_agent: input.userAgent?.slice(0, 300) ?? null,
  });
  await appendAudit(tx, ctx, {
    type: 'session.started',
    target: { type: 'session', id: row.id },
    payload: {
      userId: input.userId,
      secondFactor: input.secondFactor,
      ip: row.ip,
      stage,
      ...(input.realm === 'client' ? { realm: 'client' as const } : {}),
    },
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
 * Gives the session a new token after a second factor: the old token stops working at once (ASVS
 * 7.2.4). `from: 'second_factor'` completes a sign-in (the session becomes active and gets its
 * absolute lifetime from now); `from: 'active'` is a step-up. The stage is checked in the same
 * update, so a token cannot be rotated twice from one step.
 */
export async function rotateSession(
  ctx: Pick<Ctx, 'db' | 'actor' | 'requestId' | 'now'>,
  input: { sessionId: string; secondFactor: SecondFactor; from: 'second_factor' | 'active' },
  policy: SessionPolicy,
  tx?: Tx,
): Promise<{ token: string; session: LiveSession }> {
  const now = ctx.now();
  const { token, hash } = newSessionToken();
  const run = async (tx: Tx) => {
    const row = await tx
      .updateTable('sessions')
      .set({
        token_hash: hash,
        second_factor: input.secondFactor,
        second_factor_at: now,
        csrf_token: newCsrfToken(),
        last_seen_at: now,
        stage: 'active',
        ...(input.from === 'second_factor'
          ? { expires_at: new Date(now.getTime() + policy.absoluteLifetimeMs) }
          : {}),
      })
      .where('id', '=', input.sessionId)
      .where('stage', '=', input.from)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('session');
    await appendAudit(tx, ctx, {
      type: 'session.rotated',
      target: { type: 'session', id: row.id },
      payload: { userId: row.user_id, secondFactor: input.secondFactor },
    });
    return { token, session: live(row) };
  };
  return tx ? run(tx) : inTransaction(ctx.db, run);
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
    stage: r.stage,
    createdAt: r.created_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    secondFactor: r.second_factor,
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}
