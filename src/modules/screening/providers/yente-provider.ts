/**
 * A vendor screening provider over HTTPS, speaking the documented matching protocol of OpenSanctions'
 * yente (`POST /match/{dataset}`, FollowTheMoney-shaped queries, scored results): the shape most
 * commercial screening APIs follow. For firms with a vendor contract; the names leave the building,
 * so it is off unless configured, https only, certificate-verified. Results become matches with the
 * vendor's id (prefixed by the provider name) and a content hash of what the vendor returned, so a
 * remembered false positive holds until the vendor's record changes.
 */
import { createHash } from 'node:crypto';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import {
  createServiceAgent,
  HttpsJsonError,
  parseServiceUrl,
  postJson,
} from '../../../platform/http/https-json.ts';
import type { ScreeningQuery } from '../engine/api.ts';
import { canonicalJson } from '../lists/model.ts';
import type { ProviderMatch, ProviderResult, ScreeningProvider } from '../screening-service.ts';

export interface YenteSettings {
  /** Base URL, https, e.g. https://screening.vendor.example/api */
  url: string;
  dataset: string;
  apiKey?: string | undefined;
  /** A private CA (PEM) that signs the vendor's certificate, if not a public one. */
  ca?: string | undefined;
  timeoutMs: number;
  /** The name of the provider: prefixes entity ids and names the list. */
  name?: string | undefined;
}

interface YenteResult {
  id: string;
  caption: string;
  schema: string;
  score: number;
  match?: boolean;
  datasets?: string[];
  properties?: Record<string, string[]>;
  features?: Record<string, number>;
}

function isResult(r: unknown): r is YenteResult {
  const o = r as YenteResult;
  return (
    !!o &&
    typeof o.id === 'string' &&
    typeof o.caption === 'string' &&
    typeof o.schema === 'string' &&
    typeof o.score === 'number' &&
    o.score >= 0 &&
    o.score <= 1
  );
}

export class YenteScreeningProvider implements ScreeningProvider {
  readonly name: string;
  readonly #url: URL;
  readonly #agent;
  readonly #settings: YenteSettings;

  constructor(settings: YenteSettings) {
    this.#settings = settings;
    this.name = settings.name ?? 'vendor';
    const base = parseServiceUrl(settings.url, 'screening.url');
    this.#url = new URL(
      `${base.pathname.replace(/\/$/, '')}/match/${encodeURIComponent(settings.dataset)}`,
      base,
    );
    this.#agent = createServiceAgent(settings.ca);
  }

  async screen(
    _ctx: Pick<Ctx, 'db'>,
    query: ScreeningQuery,
    opts: { threshold: number; limit: number; lists: readonly string[] | null },
  ): Promise<ProviderResult> {
    const url = new URL(this.#url);
    url.searchParams.set('threshold', String(opts.threshold));
    url.searchParams.set('limit', String(opts.limit));
    const properties: Record<string, string[]> = { name: [query.name] };
    if (query.birthDate) properties['birthDate'] = [query.birthDate];
    if (query.nationality) properties['nationality'] = [query.nationality.toLowerCase()];
    if (query.gender) properties['gender'] = [query.gender];
    let answer: unknown;
    try {
      answer = await postJson({
        url,
        agent: this.#agent,
        headers: this.#settings.apiKey ? { authorization: `ApiKey ${this.#settings.apiKey}` } : {},
        body: { queries: { q: { schema: query.schema ?? 'LegalEntity', properties } } },
        timeoutMs: this.#settings.timeoutMs,
      });
    } catch (err) {
      if (err instanceof HttpsJsonError)
        throw new AppError('unavailable', `the screening provider failed: ${err.message}`, {
          reason: 'provider_unavailable',
        });
      throw err;
    }
    const results = (answer as { responses?: { q?: { results?: unknown } } })?.responses?.q?.results;
    if (!Array.isArray(results) || !results.every(isResult))
      throw new AppError('unavailable', 'the screening provider answered in an unexpected shape', {
        reason: 'provider_unavailable',
      });
    const matches: ProviderMatch[] = results
      .filter((r) => r.score >= opts.threshold)
      .slice(0, opts.limit)
      .map((r) => ({
        entityId: `${this.name}:${r.id}`,
        list: this.name,
        snapshotId: '',
        entityHash: createHash('sha256')
          .update(
            canonicalJson({ id: r.id, caption: r.caption, schema: r.schema, properties: r.properties ?? {} }),
          )
          .digest('hex'),
        score: r.score,
        nameScore: r.features?.['name_literal_match'] ?? r.score,
        matchedName: r.caption,
        nameKind: 'primary',
        explanation: {
          tokens: [],
          qualifiers: Object.entries(r.features ?? {}).map(([k, v]) => ({
            qualifier: 'identifier' as const,
            effect: v,
            detail: `vendor feature ${k}`,
          })),
        },
      }));
    return { matches, snapshots: [] };
  }
}
