/**
 * Turns a bearer token into an Actor, or null. The key row comes from the database, or from the
 * process cache, which is invalidated on every change (see api-key.cache.ts), so revocation and
 * changes of rights take effect on the next request. Rejections of a real key (revoked,
 * expired, wrong secret) are audited; malformed or unknown tokens are only logged by the caller.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../access/actor.ts';
import { isRight, type Right } from '../access/rights.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { ApiKeyCache } from './api-key.cache.ts';
import { parseToken, secretMatches } from './api-key.token.ts';

export type ApiKeyAuthResult =
  | { ok: true; actor: Actor }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' | 'bad_secret' };

const lastUsedWritten = new Map<string, number>();
const LAST_USED_EVERY_MS = 60_000;

export async function authenticateApiKey(
  db: Kysely<DB>,
  token: string,
  opts: { now: Date; requestId: string | null; cache?: ApiKeyCache | undefined },
): Promise<ApiKeyAuthResult> {
  const parsed = parseToken(token);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const nowMs = opts.now.getTime();
  let row = opts.cache?.get(parsed.prefix, nowMs);
  if (!row) {
    row = await db
      .selectFrom('api_keys')
      .select(['id', 'name', 'rights', 'secret_hash', 'revoked_at', 'expires_at', 'programme_ids'])
      .where('prefix', '=', parsed.prefix)
      .executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    opts.cache?.set(parsed.prefix, row, nowMs);
  }
  let reason: 'revoked' | 'expired' | 'bad_secret' | null = null;
  if (!secretMatches(parsed.secret, row.secret_hash)) reason = 'bad_secret';
  else if (row.revoked_at) reason = 'revoked';
  else if (row.expires_at && row.expires_at <= opts.now) reason = 'expired';
  if (reason) {
    await recordAudit(
      db,
      {
        actor: { kind: 'system', label: 'api-gate', rights: new Set() },
        requestId: opts.requestId,
        now: () => opts.now,
      },
      {
        type: 'api_key.rejected',
        target: { type: 'api_key', id: row.id },
        payload: { prefix: parsed.prefix, reason },
      },
    );
    return { ok: false, reason };
  }
  // last_used_at is informative: written at most once a minute per key per process, off the hot path.
  const last = lastUsedWritten.get(row.id) ?? 0;
  if (opts.now.getTime() - last > LAST_USED_EVERY_MS) {
    lastUsedWritten.set(row.id, opts.now.getTime());
    void db
      .updateTable('api_keys')
      .set({ last_used_at: opts.now })
      .where('id', '=', row.id)
      .execute()
      .catch(() => lastUsedWritten.delete(row.id));
  }
  const rights = new Set<Right>(row.rights.filter(isRight));
  const programmes = row.programme_ids === null ? 'all' : new Set(row.programme_ids);
  return { ok: true, actor: { kind: 'api_key', id: row.id, name: row.name, rights, programmes } };
}
