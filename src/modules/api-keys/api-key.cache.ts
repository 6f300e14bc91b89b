/**
 * A per-process cache of API-key rows, so the gate does not query the database on every request.
 * It is only trusted while it is invalidated reliably:
 * - a change made by this process drops the entry as soon as its transaction commits;
 * - a change made anywhere else (another server, the CLI, SQL) reaches every server through the
 *   database trigger `api_keys_changed` → NOTIFY dossier_api_keys → `invalidate(prefix)`;
 * - while the notification listener is down, the cache is bypassed and emptied (nothing cached can
 *   outlive a missed notification), and every entry expires after `ttlMs` in any case.
 * The secret is still compared, and expiry still checked, on every request.
 */
import type { Row } from '../../db/types.ts';

export type CachedKey = Pick<
  Row<'api_keys'>,
  'id' | 'name' | 'rights' | 'secret_hash' | 'revoked_at' | 'expires_at' | 'programme_ids'
>;

const caches = new Set<ApiKeyCache>();

export class ApiKeyCache {
  readonly #entries = new Map<string, { key: CachedKey; at: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  #live = false;

  constructor(opts: { ttlMs?: number; maxEntries?: number } = {}) {
    this.#ttlMs = opts.ttlMs ?? 5_000;
    this.#max = opts.maxEntries ?? 10_000;
    caches.add(this);
  }

  /** Called by the notification listener: the cache is used only while it is live. */
  setLive(live: boolean): void {
    this.#live = live;
    this.#entries.clear();
  }

  get(prefix: string, now: number): CachedKey | undefined {
    if (!this.#live) return undefined;
    const e = this.#entries.get(prefix);
    if (!e) return undefined;
    if (now - e.at > this.#ttlMs) {
      this.#entries.delete(prefix);
      return undefined;
    }
    return e.key;
  }

  set(prefix: string, key: CachedKey, now: number): void {
    if (!this.#live) return;
    if (this.#entries.size >= this.#max) this.#entries.clear();
    this.#entries.set(prefix, { key, at: now });
  }

  invalidate(prefix: string): void {
    this.#entries.delete(prefix);
  }

  /** Stops this cache taking part in local invalidation (server shutdown). */
  dispose(): void {
    this.#live = false;
    this.#entries.clear();
    caches.delete(this);
  }
}

/** Drops a key from every cache in this process; use cases call it after committing a change. */
export function invalidateApiKeyLocally(prefix: string): void {
  for (const c of caches) c.invalidate(prefix);
}
