/**
 * The configured OpenID providers at run time: each one's discovered metadata (openid-client
 * Configuration) and its key set for logout tokens, fetched lazily over verified HTTPS and cached,
 * so a provider that is down does not stop the server from starting (only its sign-in, with 503).
 * A failed discovery is retried at the next use; a good one is refreshed hourly.
 */
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import { createRemoteJWKSet, customFetch as joseFetch, type JWTVerifyGetKey } from 'jose';
import { createProviderFetch, type ProviderFetch } from './provider-fetch.ts';
import type { SsoProviderSettings, SsoSettings } from './sso.settings.ts';

const DISCOVERY_TTL_MS = 3_600_000;

export class SsoProviderUnavailableError extends Error {
  constructor(id: string, cause: unknown) {
    super(`OpenID provider ${id} unavailable`, { cause });
    this.name = 'SsoProviderUnavailableError';
  }
}

export class SsoProvider {
  readonly settings: SsoProviderSettings;
  /** Where the provider sends the browser back: fixed from the public URL, never from a request. */
  readonly redirectUri: string;
  /** Where the provider sends the browser after signing out there. */
  readonly postLogoutRedirectUri: string;
  readonly fetch: ProviderFetch & { close(): void };
  #config: { value: client.Configuration; at: number } | null = null;
  #pending: Promise<client.Configuration> | null = null;
  #jwks: JWTVerifyGetKey | null = null;

  constructor(settings: SsoProviderSettings, publicUrl: string) {
    this.settings = settings;
    const base = publicUrl.replace(/\/+$/, '');
    this.redirectUri = `${base}/api/v1/auth/sso/${settings.id}/callback`;
    this.postLogoutRedirectUri = `${base}/sign-in`;
    this.fetch = createProviderFetch({
      ca: settings.caFile ? readFileSync(settings.caFile, 'utf8') : undefined,
      timeoutMs: settings.timeoutMs,
    });
  }

  get id(): string {
    return this.settings.id;
  }

  /** The discovered configuration (cached); SsoProviderUnavailableError when it cannot be had. */
  async configuration(now = Date.now()): Promise<client.Configuration> {
    if (this.#config && now - this.#config.at < DISCOVERY_TTL_MS) return this.#config.value;
    this.#pending ??= this.#discover()
      .then((value) => {
        this.#config = { value, at: Date.now() };
        this.#jwks = null;
        return value;
      })
      .finally(() => {
        this.#pending = null;
      });
    try {
      return await this.#pending;
    } catch (err) {
      throw new SsoProviderUnavailableError(this.id, err);
    }
  }

  async #discover(): Promise<client.Configuration> {
    const s = this.settings;
    const config = await client.discovery(
      new URL(s.issuer),
      s.clientId,
      {
        // openid-client compares the ID token's alg with this; a list is accepted as an allow-list.
        id_token_signed_response_alg: s.idTokenAlgorithms as unknown as string,
        redirect_uris: [this.redirectUri],
        response_types: ['code'],
      },
      client.ClientSecretBasic(s.clientSecret!),
      { [client.customFetch]: this.fetch, timeout: Math.ceil(s.timeoutMs / 1000) },
    );
    // ID tokens come straight from the token endpoint over TLS, where the specification lets a
    // client skip their signature; Dossier checks it anyway (a compromised or misrouted TLS
    // endpoint, a proxy: the provider's key is the only proof of who issued the token).
    client.enableNonRepudiationChecks(config);
    const issuer = config.serverMetadata().issuer;
    // The discovery document must be the configured issuer's own (OpenID Discovery 4.3).
    if (issuer !== s.issuer && issuer !== s.issuer.replace(/\/+$/, ''))
      throw new Error(`discovery document names another issuer: ${issuer}`);
    return config;
  }

  /** The provider's signing keys (for back-channel logout tokens), refreshed on an unknown kid. */
  async keys(): Promise<JWTVerifyGetKey> {
    const config = await this.configuration();
    if (this.#jwks) return this.#jwks;
    const uri = config.serverMetadata().jwks_uri;
    if (!uri) throw new SsoProviderUnavailableError(this.id, new Error('no jwks_uri'));
    this.#jwks = createRemoteJWKSet(new URL(uri), {
      [joseFetch]: this.fetch,
      timeoutDuration: this.settings.timeoutMs,
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
    return this.#jwks;
  }

  /** The provider's end_session_endpoint, or null when it has none. */
  async endSessionEndpoint(): Promise<string | null> {
    return (await this.configuration()).serverMetadata().end_session_endpoint ?? null;
  }
}

/** Every configured provider by id. */
export class SsoRegistry {
  readonly #providers = new Map<string, SsoProvider>();

  constructor(settings: SsoSettings, publicUrl: string) {
    for (const p of settings.providers) this.#providers.set(p.id, new SsoProvider(p, publicUrl));
  }

  get(id: string): SsoProvider | null {
    return this.#providers.get(id) ?? null;
  }

  /** For the sign-in page: id and name only. */
  list(): { id: string; displayName: string }[] {
    return [...this.#providers.values()].map((p) => ({ id: p.id, displayName: p.settings.displayName }));
  }

  close(): void {
    for (const p of this.#providers.values()) p.fetch.close();
  }
}
