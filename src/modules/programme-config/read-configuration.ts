/** Reading a programme's configuration: the effective one, its versions, one version, the draft. */
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { visibleProgramme } from './configuration-access.ts';
import { contentHash, defaultContent, hex } from './configuration-content.ts';
import { presentSummary, presentVersion } from './configuration.presenter.ts';
import { findDraft, findLatestPublished, findVersion, listVersionRows } from './configuration.repository.ts';
import type {
  ConfigurationSummaryView,
  ConfigurationVersionView,
  EffectiveConfigurationView,
} from './configuration.schema.ts';

/**
 * What applies to the programme now: its latest published version (`source: 'published'`), or,
 * while nothing is published, the engines' defaults (`source: 'default'`, no version). The draft,
 * if any, is named but not applied.
 */
export async function getEffectiveConfiguration(
  ctx: Ctx,
  programmeId: string,
): Promise<EffectiveConfigurationView> {
  const programme = await visibleProgramme(ctx.db, ctx.actor, programmeId);
  const [published, draft] = await Promise.all([
    findLatestPublished(ctx.db, programme.id),
    findDraft(ctx.db, programme.id),
  ]);
  const draftView = draft
    ? {
        version: draft.version,
        contentHash: hex(draft.content_hash),
        updatedAt: draft.updated_at.toISOString(),
      }
    : null;
  if (published) {
    const v = presentVersion(published);
    return {
      programmeId: programme.id,
      source: 'published',
      version: v.version,
      contentHash: v.contentHash,
      publishedAt: v.publishedAt,
      publishedBy: v.publishedBy,
      content: v.content,
      draft: draftView,
    };
  }
  const content = defaultContent();
  return {
    programmeId: programme.id,
    source: 'default',
    version: null,
    contentHash: hex(contentHash(content)),
    publishedAt: null,
    publishedBy: null,
    content,
    draft: draftView,
  };
}

/** Every version of the programme's configuration (the draft included), newest first. */
export async function listConfigurationVersions(
  ctx: Ctx,
  programmeId: string,
): Promise<ConfigurationSummaryView[]> {
  const programme = await visibleProgramme(ctx.db, ctx.actor, programmeId);
  return (await listVersionRows(ctx.db, programme.id)).map(presentSummary);
}

/** One version with its content; `not_found` when the programme has no such version. */
export async function getConfigurationVersion(
  ctx: Ctx,
  programmeId: string,
  version: number,
): Promise<ConfigurationVersionView> {
  const programme = await visibleProgramme(ctx.db, ctx.actor, programmeId);
  const row = await findVersion(ctx.db, programme.id, version);
  if (!row) throw notFound('configuration version');
  return presentVersion(row);
}

/** The draft with its content; `not_found` when there is none. */
export async function getConfigurationDraft(
  ctx: Ctx,
  programmeId: string,
): Promise<ConfigurationVersionView> {
  const programme = await visibleProgramme(ctx.db, ctx.actor, programmeId);
  const row = await findDraft(ctx.db, programme.id);
  if (!row) throw notFound('configuration draft');
  return presentVersion(row);
}
