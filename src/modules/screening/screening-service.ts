/**
 * The built-in screening provider: one in-memory index per process, built from the active snapshot
 * of every list, rebuilt when a snapshot changes (checked at most every few seconds, and at once
 * after an import in this process). Searches never wait for the database beyond that check; while
 * a rebuild runs, searches use the previous index and report its snapshots.
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { ScreeningIndex, ScreeningMatch, ScreeningQuery } from './engine/api.ts';
import { buildIndex } from './engine/matcher.ts';
import type { ListEntity } from './lists/index.ts';
import { activeSnapshots, snapshotEntityRows } from './import-list.ts';

export interface SnapshotRef {
  list: string;
  snapshotId: string;
  contentHash: string;
}

interface Built {
  key: string;
  snapshots: SnapshotRef[];
  /** One index over every list; matches are filtered by list afterwards. */
  index: ScreeningIndex;
  /** The list, snapshot and content hash of each entity. */
  origin: Map<string, { list: string; snapshotId: string; hash: string }>;
}

/** A match with where its list entry comes from. */
export type ProviderMatch = ScreeningMatch & { list: string; snapshotId: string; entityHash: string };

export interface ProviderResult {
  matches: ProviderMatch[];
  snapshots: SnapshotRef[];
}

/** What every screening provider offers (the built-in engine, or a vendor's API). */
export interface ScreeningProvider {
  readonly name: string;
  screen(
    ctx: Pick<Ctx, 'db'>,
    query: ScreeningQuery,
    opts: { threshold: number; limit: number; lists: readonly string[] | null },
  ): Promise<ProviderResult>;
}

export class BuiltInScreeningProvider implements ScreeningProvider {
  readonly name = 'built-in';
  #built: Built | null = null;
  #building: Promise<Built> | null = null;
  #checkedAt = 0;
  readonly #recheckMs: number;

  constructor(opts: { recheckMs?: number } = {}) {
    this.#recheckMs = opts.recheckMs ?? 3000;
  }

  /** Forces the next search to look at the active snapshots (after an import in this process). */
  invalidate(): void {
    this.#checkedAt = 0;
  }

  async #current(ctx: Pick<Ctx, 'db'>): Promise<Built> {
    const now = Date.now();
    if (this.#built && now - this.#checkedAt < this.#recheckMs) return this.#built;
    if (this.#building) return this.#built ?? this.#building;
    this.#checkedAt = now;
    const active = await activeSnapshots(ctx);
    const key = active.map((a) => a.id).join(',');
    if (this.#built?.key === key) return this.#built;
    this.#building = (async () => {
      const origin = new Map<string, { list: string; snapshotId: string; hash: string }>();
      const entities: ListEntity[] = [];
      for (const snap of active)
        for await (const { entity, hash } of snapshotEntityRows(ctx, snap.id)) {
          entities.push(entity);
          origin.set(entity.id, { list: snap.list, snapshotId: snap.id, hash });
        }
      return {
        key,
        snapshots: active.map((a) => ({ list: a.list, snapshotId: a.id, contentHash: a.contentHash })),
        index: buildIndex(entities),
        origin,
      };
    })();
    try {
      this.#built = await this.#building;
      return this.#built;
    } finally {
      this.#building = null;
    }
  }

  async screen(
    ctx: Pick<Ctx, 'db'>,
    query: ScreeningQuery,
    opts: { threshold: number; limit: number; lists: readonly string[] | null },
  ): Promise<ProviderResult> {
    const built = await this.#current(ctx);
    if (built.snapshots.length === 0)
      throw new AppError('conflict', 'no sanctions or PEP list has been imported yet', {
        reason: 'no_lists',
      });
    const wanted = opts.lists ? new Set(opts.lists) : null;
    // Ask for more when filtering by list, so the limit still holds after the filter.
    const raw = built.index.search(query, {
      threshold: opts.threshold,
      limit: wanted ? opts.limit * 4 : opts.limit,
    });
    const matches = raw
      .map((m) => {
        const o = built.origin.get(m.entityId);
        return { ...m, list: o?.list ?? '', snapshotId: o?.snapshotId ?? '', entityHash: o?.hash ?? '' };
      })
      .filter((m) => !wanted || wanted.has(m.list))
      .slice(0, opts.limit);
    return {
      matches,
      snapshots: built.snapshots.filter((s) => !wanted || wanted.has(s.list)),
    };
  }
}
