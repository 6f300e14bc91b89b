/**
 * The `sso` section of the configuration: the OpenID providers staff may sign in with. Parsed by
 * src/platform/config.ts with the rest; checked further by `ssoSettingsProblems` (things a schema
 * says badly: unique ids, refused algorithms, secrets).
 */
import { Type, type Static } from 'typebox';

/** ID-token signature algorithms Dossier accepts at all: asymmetric only. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export const DEFAULT_ID_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256'];

const Slug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$' });

/** One group (or claim value) and what it gives in Dossier. */
const RoleMappingSchema = Type.Object(
  {
    /** The claim to look in; default the provider's groups claim. */
    claim: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** The value (a group name or id) that must be in that claim (a string or an array of strings). */
    value: Type.String({ minLength: 1, maxLength: 300 }),
    /** Roles given, by id or name. */
    roles: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 }),
    /** Programme memberships given, by id or name. */
    programmes: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 200 }),
  },
  { additionalProperties: false },
);

export const SsoProviderSchema = Type.Object(
  {
    /** Slug in URLs (`/api/v1/auth/sso/<id>/...`) and in the secret's variable name. */
    id: Slug,
    /** Shown on the sign-in button: "Sign in with <displayName>". */
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    /** The issuer; its discovery document is `<issuer>/.well-known/openid-configuration`. */
    issuer: Type.String({ pattern: '^https://[^\\s?#@]+$' }),
    clientId: Type.String({ minLength: 1, maxLength: 300 }),
    /** Secret: better from DOSSIER_SSO_<ID>_CLIENT_SECRET than in the file. */
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    /** Scopes asked for; `openid` is always included. */
    scopes: Type.Array(Type.String({ pattern: '^[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,100}$' }), { maxItems: 20 }),
    /** Accepted ID-token (and logout-token) signature algorithms; none and HS* are refused. */
    idTokenAlgorithms: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), {
      minItems: 1,
      maxItems: 11,
    }),
    /** CA bundle (PEM) of the provider's TLS certificate; the system CAs when unset. */
    caFile: Type.Optional(Type.String({ minLength: 1 })),
    claims: Type.Object(
      {
        subject: Type.String({ minLength: 1, maxLength: 100 }),
        username: Type.String({ minLength: 1, maxLength: 100 }),
        email: Type.String({ minLength: 1, maxLength: 100 }),
        displayName: Type.String({ minLength: 1, maxLength: 100 }),
        groups: Type.String({ minLength: 1, maxLength: 100 }),
      },
      { additionalProperties: false },
    ),
    roleMappings: Type.Array(RoleMappingSchema, { maxItems: 500 }),
    /** Refuse a sign-in none of whose groups is mapped (default true). */
    requireMappedGroup: Type.Boolean(),
    /** `jit`: a first sign-in creates the staff user; `preProvisioned`: only existing users, linked once. */
    provisioning: Type.Union([Type.Literal('jit'), Type.Literal('preProvisioned')]),
    /** How a first sign-in finds an existing user: verified e-mail or username. */
    matchBy: Type.Union([Type.Literal('email'), Type.Literal('username')]),
    /** Which `amr` / `acr` values mean the provider itself required more than one factor. */
    mfa: Type.Object(
      {
        amr: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 }),
        acr: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 50 }),
      },
      { additionalProperties: false },
    ),
    logout: Type.Object(
      {
        backChannel: Type.Boolean(),
        frontChannel: Type.Boolean(),
        /** On sign-out, send the browser to the provider's end_session_endpoint. */
        rpInitiated: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    /** Network timeout of each call to the provider. */
    timeoutMs: Type.Integer({ minimum: 500, maximum: 60000 }),
  },
  { additionalProperties: false },
);

export const SsoSettingsSchema = Type.Object(
  { providers: Type.Array(SsoProviderSchema, { maxItems: 20 }) },
  { additionalProperties: false },
);

export type SsoProviderSettings = Static<typeof SsoProviderSchema>;
export type SsoSettings = Static<typeof SsoSettingsSchema>;

/** Defaults filled into each provider before validation (the file gives the rest). */
export const SSO_PROVIDER_DEFAULTS = {
  scopes: ['openid', 'email', 'profile'],
  idTokenAlgorithms: DEFAULT_ID_TOKEN_ALGORITHMS,
  claims: {
    subject: 'sub',
    username: 'preferred_username',
    email: 'email',
    displayName: 'name',
    groups: 'groups',
  },
  roleMappings: [],
  requireMappedGroup: true,
  provisioning: 'preProvisioned',
  matchBy: 'email',
  mfa: { amr: ['mfa'], acr: [] },
  logout: { backChannel: true, frontChannel: false, rpInitiated: true },
  timeoutMs: 10000,
} as const;

/** The environment variable holding a provider's client secret. */
export function ssoSecretVariable(id: string): string {
  return `DOSSIER_SSO_${id.toUpperCase().replaceAll('-', '_')}_CLIENT_SECRET`;
}

export const SSO_SECRET_VARIABLE = /^DOSSIER_SSO_([A-Z0-9_]+)_CLIENT_SECRET$/;

/** Problems the schema cannot express, each naming its setting. */
export function ssoSettingsProblems(sso: SsoSettings): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  sso.providers.forEach((p, i) => {
    const at = `sso.providers[${i}]`;
    if (seen.has(p.id)) out.push(`${at}.id: "${p.id}" is used by another provider`);
    seen.add(p.id);
    for (const alg of p.idTokenAlgorithms) {
      if (alg.toLowerCase() === 'none' || /^HS/i.test(alg))
        out.push(
          `${at}.idTokenAlgorithms: "${alg}" is refused (unsigned tokens, and HMAC tokens signed with the client secret, are never accepted)`,
        );
      else if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg))
        out.push(`${at}.idTokenAlgorithms: unknown algorithm "${alg}"`);
    }
    if (!p.clientSecret)
      out.push(`${at}.clientSecret: missing; set ${ssoSecretVariable(p.id)} (or clientSecret in the file)`);
  });
  return out;
}
