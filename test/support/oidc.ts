/**
 * A real OpenID provider for the single sign-on tests: `oidc-provider` on HTTPS on loopback, with a
 * certificate from a throw-away test CA (Dossier is given that CA as the provider's `caFile`), an
 * in-memory account store, and interactions either completed programmatically (`nextLogin`) or
 * through a minimal login page (the browser test types a username there). Like a real provider it
 * honours `prompt=login` and `max_age=0` (the user signs in again, whatever session the provider
 * holds) and then puts `auth_time` in the ID token (a step-up's re-authentication).
 *
 * For the negative tests it also acts as a proxy on its own token endpoint (`tokenHook` rewrites
 * the JSON answer, e.g. flips a byte of the ID token or substitutes another token), records every
 * authorisation request, and mints tokens with its real signing key (or another one) so a test can
 * make exactly the token it needs: for another audience, with alg none or HS256, a logout token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWK,
  type CryptoKey as JoseKey,
} from 'jose';
import Provider from 'oidc-provider';
import { createPki } from '../../src/platform/crypto/pki.ts';
import { createProviderFetch } from '../../src/modules/auth/sso/provider-fetch.ts';

export interface TestAccount {
  sub: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface NextLogin {
  accountId: string;
  amr?: string[];
  acr?: string;
}

type TokenBody = Record<string, unknown> & { id_token?: string };

export interface TestOp {
  issuer: string;
  /** The test CA's certificate file (PEM): the provider's TLS certificate chains to it. */
  caFile: string;
  /** The provider's own TLS certificate (PEM file). */
  certFile: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** The next interaction is completed at once as this account (null: show the login page). */
  nextLogin: NextLogin | null;
  /** Rewrites the token endpoint's JSON answer (the tampering proxy); null passes it unchanged. */
  tokenHook: ((body: TokenBody) => TokenBody | Promise<TokenBody>) | null;
  /** Every authorisation request's query, oldest first. */
  authRequests: URLSearchParams[];
  /** Every token endpoint answer as the provider gave it (before the hook). */
  tokenAnswers: TokenBody[];
  /** Signs a JWT with the provider's own key (or `key`), with the given header alg and kid. */
  sign(
    payload: Record<string, unknown>,
    o?: { key?: JoseKey; kid?: string; alg?: string; typ?: string },
  ): Promise<string>;
  /**
   * The same ID token with claims changed (undefined removes one), signed again with the provider's
   * own key: what a provider would send that, say, did not authenticate the user again.
   */
  reissue(idToken: string, patch: Record<string, unknown>): Promise<string>;
  /** A key pair the provider does not publish (for "wrongly signed" tokens). */
  foreignKey: JoseKey;
  /**
   * A Dossier config file (JSON) naming this provider once per entry of `providers` (each entry's
   * settings merged over the connection settings; default one provider, the first id).
   */
  configFile(providers?: Record<string, unknown>[], extra?: Record<string, unknown>): string;
  close(): Promise<void>;
}

const LOGIN_PAGE = (uid: string, error: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider: sign in</title></head>
<body><main><h1>Test identity provider</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="username">Username</label> <input id="username" name="username" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password">
<label><input type="checkbox" name="mfa" value="1"> Use my security key</label>
<button type="submit">Sign in</button>
</form></main></body></html>`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startTestOp(
  o: {
    redirectUris?: string[];
    postLogoutRedirectUris?: string[];
    /** The ids Dossier knows this provider by (one client, a redirect URI for each). */
    providerIds?: string[];
    /** Dossier's public URL (default the configuration's default). */
    publicUrl?: string;
    /** The CA (PEM) of Dossier's certificate, for the provider's back-channel logout calls. */
    trustCa?: string;
  } = {},
): Promise<TestOp> {
  const root = mkdtempSync(join(tmpdir(), 'dossier-op-'));
  const pki = await createPki(join(root, 'pki'));
  const providerIds = o.providerIds ?? ['testidp'];
  const publicUrl = o.publicUrl ?? 'https://localhost:8443';
  const clientId = 'dossier-backoffice';
  const clientSecret = randomBytes(24).toString('base64url');

  const { privateKey, publicKey: _pub } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const foreign = await generateKeyPair('RS256', { extractable: true });

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = https.createServer(
    { cert: readFileSync(pki.internalCert), key: readFileSync(pki.internalKey) },
    (req, res) => handler!(req, res),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `https://localhost:${(server.address() as { port: number }).port}`;

  const accounts = new Map<string, TestAccount>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris:
          o.redirectUris ?? providerIds.map((id) => `${publicUrl}/api/v1/auth/sso/${id}/callback`),
        post_logout_redirect_uris: o.postLogoutRedirectUris ?? [`${publicUrl}/sign-in`],
        // Registered so the provider puts its session id (sid) in ID tokens.
        backchannel_logout_uri: `${publicUrl}/api/v1/auth/sso/${providerIds[0]}/backchannel-logout`,
        backchannel_logout_session_required: true,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    // Claims in the ID token itself (Dossier reads them there, not from userinfo).
    conformIdTokenClaims: false,
    claims: {
      acr: null,
      amr: null,
      sid: null,
      auth_time: null,
      // amr and acr with every ID token (the provider's multi-factor assertion).
      openid: ['sub', 'amr', 'acr'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    acrValues: ['urn:test:mfa', 'urn:test:pwd'],
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // The default page loads web fonts from the internet; this one is self-contained.
        logoutSource: (ctx: { body: string }, form: string) => {
          ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
<body><main><h1>Sign out of the test identity provider?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></main></body></html>`;
        },
      },
    },
    // Its back-channel logout calls reach Dossier on loopback over TLS with Dossier's CA (the
    // provider's default fetch refuses loopback addresses, rightly for a real deployment).
    ...(o.trustCa ? { fetch: createProviderFetch({ ca: o.trustCa, timeoutMs: 5000 }) } : {}),
    pkce: { required: () => true },
    ttl: {
      Interaction: 600,
      Grant: 3600,
      Session: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    // An in-memory adapter is what the tests want (the provider lives as long as the test).
    adapter: undefined,
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const a = accounts.get(id);
      if (!a) return undefined;
      return { accountId: id, claims: () => ({ ...a }) };
    },
  } as never);
  // The provider runs behind no proxy: it sees TLS itself.

  const op: TestOp = {
    issuer,
    caFile: pki.caCert,
    certFile: pki.internalCert,
    clientId,
    clientSecret,
    accounts,
    nextLogin: null,
    tokenHook: null,
    authRequests: [],
    tokenAnswers: [],
    foreignKey: foreign.privateKey,
    async sign(payload, s = {}) {
      const alg = s.alg ?? 'RS256';
      const header: Record<string, unknown> = { alg, kid: s.kid ?? jwk.kid };
      if (s.typ) header['typ'] = s.typ;
      if (alg === 'none') {
        const enc = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
        return `${enc({ alg: 'none' })}.${enc(payload)}.`;
      }
      if (alg.startsWith('HS')) {
        return new SignJWT(payload)
          .setProtectedHeader(header as { alg: string })
          .sign(new TextEncoder().encode(clientSecret));
      }
      return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(s.key ?? privateKey);
    },
    async reissue(idToken, patch) {
      const header = decodeProtectedHeader(idToken);
      const payload: Record<string, unknown> = { ...decodeJwt(idToken), ...patch };
      for (const [k, v] of Object.entries(patch)) if (v === undefined) delete payload[k];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid ?? jwk.kid! })
        .sign(privateKey);
    },
    configFile(providers = [{}], extra = {}) {
      const file = join(root, `config-${randomBytes(4).toString('hex')}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          sso: {
            providers: providers.map((p) => ({
              id: providerIds[0],
              displayName: 'Test IdP',
              issuer,
              clientId,
              clientSecret,
              caFile: pki.caCert,
              ...p,
            })),
          },
          ...extra,
        }),
      );
      return file;
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      rmSync(root, { recursive: true, force: true });
    },
  };

  // The tampering proxy on the token endpoint and the record of authorisation requests.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/auth') op.authRequests.push(new URLSearchParams(ctx.querystring));
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      op.tokenAnswers.push({ ...(ctx.body as TokenBody) });
      if (op.tokenHook) ctx.body = await op.tokenHook({ ...(ctx.body as TokenBody) });
    }
  });

  const finish = async (req: IncomingMessage, res: ServerResponse, login: NextLogin) => {
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({
      accountId: login.accountId,
      clientId: details.params['client_id'] as string,
    });
    grant.addOIDCScope(String(details.params['scope'] ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      {
        login: {
          accountId: login.accountId,
          ...(login.amr ? { amr: login.amr } : {}),
          ...(login.acr ? { acr: login.acr } : {}),
        },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  };

  const callback = provider.callback();
  handler = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!m) return void callback(req, res);
    void (async () => {
      try {
        if (req.method === 'GET' && op.nextLogin) {
          const login = op.nextLogin;
          return await finish(req, res, login);
        }
        if (req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE(m[1]!, ''));
          return;
        }
        const form = new URLSearchParams(await readBody(req));
        const username = form.get('username') ?? '';
        const account = [...accounts.entries()].find(([, a]) => a.preferred_username === username);
        if (!account) {
          res
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
            .end(LOGIN_PAGE(m[1]!, 'Unknown user'));
          return;
        }
        await finish(req, res, {
          accountId: account[0],
          amr: form.get('mfa') ? ['pwd', 'hwk', 'mfa'] : ['pwd'],
        });
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      }
    })();
  };
  return op;
}

/**
 * Plays the browser at the provider: follows its redirects with a cookie jar until the provider
 * sends the browser elsewhere (Dossier's callback), and returns that URL.
 */
export async function followProvider(
  op: TestOp,
  start: string,
  jar: Map<string, string> = new Map(),
): Promise<URL> {
  const ca = readFileSync(op.caFile, 'utf8');
  let url = new URL(start);
  for (let hops = 0; hops < 10; hops++) {
    if (url.origin !== new URL(op.issuer).origin) return url;
    const { status, location, cookies, body } = await new Promise<{
      status: number;
      location: string | null;
      cookies: string[];
      body: string;
    }>((resolve, reject) => {
      const req = https.request(
        url,
        { method: 'GET', ca, headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              location: res.headers.location ?? null,
              cookies: res.headers['set-cookie'] ?? [],
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    for (const c of cookies) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    if (!location)
      throw new Error(`provider answered ${status} without a redirect at ${url.href}: ${body.slice(0, 300)}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects at the provider');
}
