/** Moving a programme's configuration between installations (test to production). */
import { timingSafeEqual } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { visibleProgramme } from './configuration-access.ts';
import { contentHash, defaultContent, hex } from './configuration-content.ts';
import { presentVersion } from './configuration.presenter.ts';
import { findLatestPublished, findVersion } from './configuration.repository.ts';
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  type ConfigurationContent,
  type ConfigurationExport,
  type ConfigurationVersionView,
  type ImportBody,
} from './configuration.schema.ts';
import { storeDraft } from './save-configuration-draft.ts';

/**
 * The export document of a published version (by number), or of the effective configuration when
 * no version is named (the latest published one, or the defaults). Drafts are not exported: only
 * what was published leaves the installation. Audited.
 */
export async function exportConfiguration(
  ctx: Ctx,
  programmeId: string,
  version: number | undefined,
): Promise<ConfigurationExport> {
  return inTransaction(ctx.db, async (tx) => {
    const programme = await visibleProgramme(tx, ctx.actor, programmeId);
    const row =
      version === undefined
        ? await findLatestPublished(tx, programme.id)
        : await findVersion(tx, programme.id, version);
    if (version !== undefined && (!row || row.state !== 'published')) throw notFound('configuration version');
    const content: ConfigurationContent = row ? (row.content as ConfigurationContent) : defaultContent();
    const doc: ConfigurationExport = {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      programme: { name: programme.name },
      version: row ? row.version : null,
      source: row ? 'published' : 'default',
      exportedAt: ctx.now().toISOString(),
      contentHash: hex(row ? row.content_hash : contentHash(content)),
      content,
    };
    await appendAudit(tx, ctx, {
      type: 'programme.configuration_exported',
      target: { type: 'programme', id: programme.id },
      payload: { version: doc.version, contentHash: doc.contentHash, source: doc.source },
    });
    return doc;
  });
}

/**
 * Imports an export document as the programme's draft (replacing any draft): never published
 * directly, so it is previewed, diffed and published like any other draft. The format is checked
 * by the route schema; the content must match the document's hash (a changed or corrupted export
 * is refused, 400 `hash_mismatch`) and pass the engines against THIS programme.
 */
export async function importConfiguration(
  ctx: Ctx,
  programmeId: string,
  input: ImportBody,
): Promise<ConfigurationVersionView> {
  const doc = input.document;
  return inTransaction(ctx.db, async (tx) => {
    // The programme first: another programme's id answers 404 whatever the document.
    const programme = await visibleProgramme(tx, ctx.actor, programmeId, 'update');
    const actual = contentHash(doc.content);
    const claimed = Buffer.from(doc.contentHash, 'hex');
    if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual))
      throw new AppError('validation', 'the export does not match its content hash', {
        reason: 'hash_mismatch',
      });
    const note =
      input.note ??
      `Imported from "${doc.programme.name}" ${doc.version === null ? '(defaults)' : `version ${doc.version}`}`;
    const { row, replaced } = await storeDraft(tx, ctx, programme, doc.content, note.slice(0, 2000));
    await appendAudit(tx, ctx, {
      type: 'programme.configuration_imported',
      target: { type: 'programme', id: programme.id },
      payload: {
        configurationId: row.id,
        version: row.version,
        contentHash: hex(row.content_hash),
        sourceProgramme: doc.programme.name,
        sourceVersion: doc.version,
        replaced,
      },
    });
    return presentVersion(row);
  });
}
