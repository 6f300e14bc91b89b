/** Request bodies and views of the passkey routes (staff API and the portal link). */
import { Type, type Static } from 'typebox';

const B64url = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' });
const Transport = Type.String({ maxLength: 32 });
/** Extension outputs the browser reports; none is used, so their content is not looked at. */
const ExtensionResults = Type.Object({}, { additionalProperties: true, maxProperties: 10 });
const Attachment = Type.Optional(Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]));

/** What @simplewebauthn/browser's startAuthentication() returns. */
export const AuthenticationResponse = Type.Object(
  {
    id: B64url(1400),
    rawId: B64url(1400),
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: B64url(4096),
        authenticatorData: B64url(4096),
        signature: B64url(1024),
        userHandle: Type.Optional(Type.String({ maxLength: 256, pattern: '^[A-Za-z0-9_-]*$' })),
      },
      { additionalProperties: false },
    ),
    clientExtensionResults: ExtensionResults,
    authenticatorAttachment: Attachment,
  },
  { additionalProperties: false },
);

/** What @simplewebauthn/browser's startRegistration() returns. */
export const RegistrationResponse = Type.Object(
  {
    id: B64url(1400),
    rawId: B64url(1400),
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: B64url(4096),
        attestationObject: B64url(32768),
        authenticatorData: Type.Optional(B64url(16384)),
        transports: Type.Optional(Type.Array(Transport, { maxItems: 10 })),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(B64url(4096)),
      },
      { additionalProperties: false },
    ),
    clientExtensionResults: ExtensionResults,
    authenticatorAttachment: Attachment,
  },
  { additionalProperties: false },
);

export const PasskeyAssertionBody = Type.Object(
  { response: AuthenticationResponse },
  { additionalProperties: false },
);
export type PasskeyAssertionBody = Static<typeof PasskeyAssertionBody>;

const Name = Type.String({ minLength: 1, maxLength: 100 });

export const RegisterPasskeyBody = Type.Object(
  { name: Name, response: RegistrationResponse },
  { additionalProperties: false },
);
export type RegisterPasskeyBody = Static<typeof RegisterPasskeyBody>;

export const RenamePasskeyBody = Type.Object({ name: Name }, { additionalProperties: false });
export type RenamePasskeyBody = Static<typeof RenamePasskeyBody>;

export const PasskeyParams = Type.Object(
  { passkeyId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export const UserPasskeyParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), passkeyId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const PasskeyViewSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deviceType: Type.Union([Type.Literal('singleDevice'), Type.Literal('multiDevice')]),
  backedUp: Type.Boolean(),
  userVerified: Type.Boolean(),
  passwordless: Type.Boolean(),
});

export const PasskeyListView = Type.Object({
  items: Type.Array(PasskeyViewSchema),
  /** Whether this realm lets a user-verified passkey sign in without a password. */
  passwordlessAllowed: Type.Boolean(),
});

/** WebAuthn options for the browser (PublicKeyCredential*OptionsJSON), passed on as built. */
export const WebAuthnOptionsView = Type.Object({}, { additionalProperties: true });
