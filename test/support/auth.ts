/**
 * HTTP-tier support for staff sign-in: staff users with a password (and optionally an
 * authenticator app, a mobile number, roles), a controllable sign-in clock, cookie handling, and
 * the codes an authenticator app would show.
 */
import type { LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import type { Right } from '../../src/modules/access/rights.ts';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../src/modules/auth/factors/index.ts';
import { activateStaffUser, createStaffUser } from '../../src/modules/auth/users/index.ts';
import { createRole, setUserRoles } from '../../src/modules/roles/index.ts';
import { SESSION_COOKIE } from '../../src/servers/internal/session-cookie.ts';
import type { TestApp } from './app.ts';

export const PASSWORD = 'correct horse battery staple 42';

export interface TestStaff {
  id: string;
  username: string;
  password: string;
  /** base32 TOTP secret when an authenticator app was enrolled. */
  totpSecret: string | null;
}

/** The code an authenticator app with `secret` shows at `at` (computed by otpauth). */
export function totpAt(secret: string, at: Date): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: at.getTime(),
  });
}

/**
 * The sign-in clock: wall time plus an offset the test moves forward (TOTP steps are single use, so
 * two TOTP sign-ins in one test need 30 s between them).
 */
export function controlClock(t: TestApp): { now: () => Date; advance: (ms: number) => void } {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  t.auth.signIn.now = now;
  t.auth.clientSignIn.now = now;
  return { now, advance: (ms) => void (offset += ms) };
}

let counter = 0;

export async function createStaff(
  t: TestApp,
  opts: {
    username?: string;
    mobile?: string;
    totp?: boolean;
    rights?: Right[];
    trustedNetworkSkip?: boolean;
    /** Extra roles (ids) to hold besides the one made from `rights`. */
    roleIds?: string[];
  } = {},
): Promise<TestStaff> {
  counter++;
  const username = opts.username ?? `staff${counter}${process.pid % 1000}`;
  const created = await createStaffUser(t.ctx, {
    username,
    displayName: `Staff ${counter}`,
    email: `${username}@firm.test`,
    ...(opts.mobile ? { mobile: opts.mobile } : {}),
  });
  await activateStaffUser(
    { ctx: t.ctx, hasher: t.auth.hasher, passwordPolicy: t.auth.passwordPolicy },
    { token: created.activationToken.token, password: PASSWORD },
  );
  const id = created.user.id;
  let totpSecret: string | null = null;
  if (opts.totp) {
    const past = new Date(Date.now() - 60_000);
    const e = await startTotpEnrolment(t.database.db, t.ctx, { userId: id, now: past });
    totpSecret = e.secret;
    const r = await confirmTotpEnrolment(t.database.db, t.ctx, {
      userId: id,
      code: totpAt(e.secret, past),
      now: past,
    });
    if (r !== 'ok') throw new Error(`enrolment failed: ${r}`);
  }
  const roleIds = [...(opts.roleIds ?? [])];
  if (opts.rights?.length || opts.trustedNetworkSkip) {
    const role = await createRole(t.ctx, {
      name: `role ${username}`,
      description: '',
      rights: opts.rights ?? [],
      trustedNetworkSkip: opts.trustedNetworkSkip ?? false,
    });
    roleIds.push(role.id);
  }
  if (roleIds.length) await setUserRoles(t.ctx, id, roleIds);
  return { id, username, password: PASSWORD, totpSecret };
}

/** The session token a response set, or null. */
export function cookieOf(res: LightMyRequestResponse): string | null {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  return c && c.value ? c.value : null;
}

export interface CallOpts {
  cookie?: string | null;
  csrf?: string;
  body?: unknown;
  ip?: string;
  headers?: Record<string, string>;
}

/** A request as a browser with the session cookie would make it (no API key). */
export function browser(t: TestApp, method: string, url: string, o: CallOpts = {}) {
  const headers: Record<string, string> = { ...o.headers };
  if (o.cookie) headers['cookie'] = `${SESSION_COOKIE}=${o.cookie}`;
  if (o.csrf) headers['x-csrf-token'] = o.csrf;
  return t.app.inject({
    method: method as 'GET',
    url,
    headers,
    remoteAddress: o.ip ?? '127.0.0.1',
    ...(o.body !== undefined ? { payload: o.body as object } : {}),
  });
}

export function login(t: TestApp, username: string, password: string, o: CallOpts = {}) {
  return browser(t, 'POST', '/api/v1/auth/login', { ...o, body: { username, password } });
}

/** Full sign-in with the authenticator app; returns the active session's token and CSRF token. */
export async function signInWithTotp(
  t: TestApp,
  staff: TestStaff,
  clock: { now: () => Date; advance: (ms: number) => void },
  o: CallOpts = {},
): Promise<{ token: string; csrf: string }> {
  const first = await login(t, staff.username, staff.password, o);
  if (first.statusCode !== 200) throw new Error(`login: ${first.statusCode} ${first.body}`);
  clock.advance(30_000);
  const second = await browser(t, 'POST', '/api/v1/auth/login/second-factor', {
    ...o,
    cookie: cookieOf(first),
    body: { factor: 'totp', code: totpAt(staff.totpSecret!, clock.now()) },
  });
  if (second.statusCode !== 200) throw new Error(`second factor: ${second.statusCode} ${second.body}`);
  return {
    token: cookieOf(second)!,
    csrf: (second.json() as { session: { csrfToken: string } }).session.csrfToken,
  };
}

/** Audit events of one type, oldest first. */
export async function auditOf(t: TestApp, type: string) {
  return t.database.db
    .selectFrom('audit_events')
    .select(['type', 'payload', 'target_id', 'actor'])
    .where('type', '=', type)
    .orderBy('seq')
    .execute();
}
