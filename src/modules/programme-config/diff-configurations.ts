import type { Row } from '../../db/types.ts';
import type { Executor } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { visibleProgramme } from './configuration-access.ts';
import { contentHash, defaultContent, diffContents, hex } from './configuration-content.ts';
import { findDraft, findLatestPublished, findVersion } from './configuration.repository.ts';
import type { ConfigurationContent, ConfigurationDiffView, DiffQuery } from './configuration.schema.ts';

type Side = {
  ref: string;
  source: 'draft' | 'published' | 'default';
  version: number | null;
  contentHash: string;
  content: ConfigurationContent;
};

/**
 * A version named by number, `draft`, `current` (the latest published version, or the defaults
 * while nothing is published) or `default` (the engines' defaults); `not_found` when it does not exist.
 */
async function resolve(db: Executor, programme: Row<'programmes'>, ref: string): Promise<Side> {
  const fromDefaults = (): Side => {
    const content = defaultContent();
    return { ref, source: 'default', version: null, contentHash: hex(contentHash(content)), content };
  };
  if (ref === 'default') return fromDefaults();
  const row =
    ref === 'draft'
      ? await findDraft(db, programme.id)
      : ref === 'current'
        ? await findLatestPublished(db, programme.id)
        : await findVersion(db, programme.id, Number(ref));
  if (!row) {
    if (ref === 'current') return fromDefaults();
    throw notFound(ref === 'draft' ? 'configuration draft' : 'configuration version');
  }
  return {
    ref,
    source: row.state,
    version: row.version,
    contentHash: hex(row.content_hash),
    content: row.content as ConfigurationContent,
  };
}

/** The changes from one version to another, part by part, as the engines describe them. */
export async function diffConfigurations(
  ctx: Ctx,
  programmeId: string,
  query: DiffQuery,
): Promise<ConfigurationDiffView> {
  const programme = await visibleProgramme(ctx.db, ctx.actor, programmeId);
  const from = await resolve(ctx.db, programme, query.from ?? 'current');
  const to = await resolve(ctx.db, programme, query.to ?? 'draft');
  const side = ({ content: _content, ...rest }: Side) => rest;
  return {
    from: side(from),
    to: side(to),
    equal: from.contentHash === to.contentHash,
    ...diffContents(from.content, to.content),
  };
}
