/**
 * What the sign-in flow needs: the database, the key ring, one shared password hasher, the
 * block-delay, session and SMS policies, the SMS gateway, and the trusted-network master switch.
 * Built once per server from configuration (src/servers/internal/auth-services.ts).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { Keyring } from '../../../platform/crypto/keyring.ts';
import type { SmsGateway } from '../../../platform/sms/index.ts';
import type { SmsCodePolicy } from '../factors/index.ts';
import type { PasswordHasher } from '../passwords/index.ts';
import type { SessionPolicy } from '../sessions/index.ts';
import type { ThrottlePolicy } from '../throttle/index.ts';
import type { Realm } from '../realm.ts';
import type { DirectoryServices } from '../directory/directory.options.ts';
import type { PasskeyPolicy } from '../passkeys/passkeys.options.ts';

export interface SignInDeps {
  db: Kysely<DB>;
  keyring: Keyring;
  hasher: PasswordHasher;
  throttle: ThrottlePolicy;
  session: SessionPolicy;
  smsPolicy: SmsCodePolicy;
  sms: SmsGateway;
  /** Master switch: may roles let their users skip the second factor inside trusted networks? */
  trustedNetworkSkip: boolean;
  /** Shown by authenticator apps next to "Dossier". */
  firmName: string;
  /** The realm's WebAuthn relying party and passwordless policy; without it passkeys are refused. */
  passkeys?: PasskeyPolicy | undefined;
  /** Whose sign-in this is (default staff). Client users never skip the second factor. */
  realm?: Realm | undefined;
  /** Active Directory / LDAP (staff only); null or absent: every password is checked locally. */
  directory?: DirectoryServices | null | undefined;
  /** Test seam; default the wall clock. */
  now?: () => Date;
}

/** Who is asking, as the server sees it. */
export interface SignInRequest {
  /** Client address from the socket or a configured proxy (never a header from anyone else). */
  ip: string;
  userAgent: string | null;
  requestId: string | null;
}

/** The audit actor of the sign-in flow: nobody is authenticated yet. */
export function signInCtx(deps: SignInDeps, req: SignInRequest, now: Date): Ctx {
  return {
    db: deps.db,
    keyring: deps.keyring,
    actor: {
      kind: 'system',
      label: deps.realm === 'client' ? 'client-sign-in' : 'sign-in',
      rights: new Set(),
    },
    requestId: req.requestId,
    now: () => now,
  };
}

/** The second factors a sign-in can complete with. */
export type SignInFactor = 'totp' | 'sms' | 'recovery' | 'passkey';
