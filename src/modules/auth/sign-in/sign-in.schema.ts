/** Request bodies and views of the sign-in, session and self-service routes. */
import { Type, type Static } from 'typebox';

export const SignInFactorSchema = Type.Union([
  Type.Literal('totp'),
  Type.Literal('sms'),
  Type.Literal('recovery'),
]);

/** The factors the second step may offer: the coded ones, and a passkey (its own routes). */
export const OfferedFactorSchema = Type.Union([
  Type.Literal('totp'),
  Type.Literal('sms'),
  Type.Literal('recovery'),
  Type.Literal('passkey'),
]);

export const LoginBody = Type.Object(
  {
    /** As typed; trimmed and lower-cased like at creation. */
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const SecondFactorBody = Type.Object(
  {
    factor: SignInFactorSchema,
    code: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
export type SecondFactorBody = Static<typeof SecondFactorBody>;

export const EmptyBody = Type.Object({}, { additionalProperties: false });

/** The signed-in user as the session shows them. */
export const SessionUserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.String(),
  rights: Type.Array(Type.String()),
});

export const CurrentSessionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  expiresAt: Type.String({ format: 'date-time' }),
  secondFactor: Type.Union([Type.String(), Type.Null()]),
  /** Until when sensitive actions are allowed without giving the second factor again; null if now. */
  steppedUpUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Repeat in the X-CSRF-Token header of every state-changing request. */
  csrfToken: Type.String(),
});

export const SignedInView = Type.Object({
  status: Type.Literal('signed_in'),
  user: SessionUserView,
  session: CurrentSessionView,
  recoveryCodes: Type.Optional(Type.Array(Type.String())),
  recoveryCodesRemaining: Type.Optional(Type.Integer()),
});

export const SecondFactorRequiredView = Type.Object({
  status: Type.Literal('second_factor_required'),
  factors: Type.Array(OfferedFactorSchema),
  /** The account has no second factor yet: enrol an authenticator app (POST /auth/login/enrolment). */
  enrolmentRequired: Type.Boolean(),
  expiresAt: Type.String({ format: 'date-time' }),
  /** Where the SMS would go, masked; null without a mobile number. */
  mobile: Type.Union([Type.String(), Type.Null()]),
});

export const LoginResultView = Type.Union([SignedInView, SecondFactorRequiredView]);

export const CodeSentView = Type.Object({ expiresAt: Type.String({ format: 'date-time' }) });

export const TotpEnrolmentView = Type.Object({
  /** otpauth:// URI to show as a QR code. */
  otpauthUri: Type.String(),
  /** The secret in base32 for manual entry; shown once. */
  secret: Type.String(),
});

export const RecoveryCodesView = Type.Object({ codes: Type.Array(Type.String()) });

export const FactorsView = Type.Object({
  totp: Type.Union([Type.Object({ confirmedAt: Type.String({ format: 'date-time' }) }), Type.Null()]),
  totpPending: Type.Boolean(),
  sms: Type.Union([Type.Object({ mobile: Type.String() }), Type.Null()]),
  /** SMS is the weaker factor (SIM swap, interception); an authenticator app is preferred. */
  smsWarning: Type.String(),
  recoveryCodesRemaining: Type.Integer(),
});

export const SessionListView = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      stage: Type.String(),
      current: Type.Boolean(),
      createdAt: Type.String({ format: 'date-time' }),
      lastSeenAt: Type.String({ format: 'date-time' }),
      expiresAt: Type.String({ format: 'date-time' }),
      secondFactor: Type.Union([Type.String(), Type.Null()]),
      ip: Type.Union([Type.String(), Type.Null()]),
      userAgent: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const LiftDelayBody = Type.Union([
  Type.Object({ username: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  Type.Object({ ip: Type.String({ minLength: 2, maxLength: 64 }) }, { additionalProperties: false }),
]);
export type LiftDelayBody = Static<typeof LiftDelayBody>;

export const SMS_WARNING =
  'Text messages are the weaker second factor: they can be intercepted or redirected by taking over the phone number. Prefer an authenticator app.';
