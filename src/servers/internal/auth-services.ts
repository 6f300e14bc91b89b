/**
 * Everything staff sign-in needs, built once per internal server from configuration: one password
 * hasher (its concurrency cap only works if shared), the block-delay, session and SMS code policies,
 * the SMS gateway and the mailer. Tests pass their own gateway and mailer (development outboxes) to
 * read the codes and links a user would receive.
 */
import type { Database } from '../../db/connect.ts';
import { authPasswordMinLength, type Config } from '../../platform/config.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { createMailer, type Mailer } from '../../platform/mail/index.ts';
import { createSmsGateway, type SmsGateway, type SmsLogger } from '../../platform/sms/index.ts';
import { resolveSmsCodePolicy } from '../../modules/auth/factors/index.ts';
import { createStaffMail, type StaffMail } from '../../modules/auth/notifications/index.ts';
import { PasswordHasher, type PasswordPolicyOptions } from '../../modules/auth/passwords/index.ts';
import type { SessionPolicy } from '../../modules/auth/sessions/index.ts';
import type { SignInDeps } from '../../modules/auth/sign-in/index.ts';
import { resolveThrottlePolicy } from '../../modules/auth/throttle/index.ts';
import type { InvitationMailDeps } from '../../modules/clients/index.ts';
import {
  createDirectoryServices,
  type DirectoryClient,
  type DirectoryServices,
} from '../../modules/auth/directory/index.ts';
import { resolveDirectoryConfig } from '../../platform/ldap/directory.config.ts';
import { passkeyPolicyOf } from '../../modules/auth/passkeys/index.ts';

export interface AuthServices {
  signIn: SignInDeps;
  /** The same flow for client users (portal, over the link): never a trusted-network skip. */
  clientSignIn: SignInDeps;
  /** Invitation e-mails to client users. */
  invitations: InvitationMailDeps;
  hasher: PasswordHasher;
  /** The length window and the firm's name; username and personal words are added per user. */
  passwordPolicy: Omit<PasswordPolicyOptions, 'username'>;
  session: SessionPolicy;
  mail: StaffMail;
  sms: SmsGateway;
  mailer: Mailer;
  /** Active Directory / LDAP for staff, or null when no `directory` is configured. */
  directory: DirectoryServices | null;
}

export interface AuthServiceOverrides {
  sms?: SmsGateway;
  mailer?: Mailer;
  logger?: SmsLogger;
  /** Wraps the directory client (tests count binds through it). */
  directoryClient?: (client: DirectoryClient) => DirectoryClient;
}

export function sessionPolicyOf(config: Config): SessionPolicy {
  const s = config.auth.session;
  return {
    idleTimeoutMs: s.idleTimeoutMinutes * 60_000,
    absoluteLifetimeMs: s.absoluteLifetimeHours * 3_600_000,
    stepUpWindowMs: s.stepUpMinutes * 60_000,
    touchEveryMs: 60_000,
    loginStepMs: s.loginStepMinutes * 60_000,
  };
}

export function createAuthServices(
  config: Config,
  database: Database,
  keyring: Keyring,
  overrides: AuthServiceOverrides = {},
): AuthServices {
  const a = config.auth;
  const mailer =
    overrides.mailer ?? createMailer(config.mail, overrides.logger ? { logger: overrides.logger } : {});
  // A burst of sign-ins (50 at once) waits for a slot rather than failing: about 64 hash durations.
  const hasher = new PasswordHasher({ ...a.argon2, maxQueue: a.argon2.maxQueue ?? 64 });
  const session = sessionPolicyOf(config);
  const sms =
    overrides.sms ?? createSmsGateway(config.sms, overrides.logger ? { logger: overrides.logger } : {});
  const firmName = a.firmName;
  const directory = config.directory ? directoryServicesOf(config, overrides) : null;
  const signIn: SignInDeps = {
    db: database.db,
    keyring,
    hasher,
    throttle: resolveThrottlePolicy(a.throttle),
    session,
    smsPolicy: resolveSmsCodePolicy(),
    sms,
    trustedNetworkSkip: a.trustedNetworkSkip,
    firmName,
    passkeys: passkeyPolicyOf(a, 'staff'),
    directory,
  };
  return {
    hasher,
    session,
    sms,
    mailer,
    passwordPolicy: {
      minLength: authPasswordMinLength(config),
      maxLength: a.password.maxLength,
      contextWords: firmName ? [firmName] : [],
    },
    mail: createStaffMail({ db: database.db, mailer, publicUrl: a.publicUrl, firmName }),
    signIn,
    directory,
    clientSignIn: {
      ...signIn,
      directory: null,
      realm: 'client',
      trustedNetworkSkip: false,
      passkeys: passkeyPolicyOf(a, 'client'),
    },
    invitations: { mailer, sms, portalUrl: a.portalUrl, firmName },
  };
}

function directoryServicesOf(config: Config, overrides: AuthServiceOverrides): DirectoryServices {
  const resolved = resolveDirectoryConfig(config.directory!);
  const services = createDirectoryServices(resolved);
  return overrides.directoryClient
    ? { ...services, client: overrides.directoryClient(services.client) }
    : services;
}
