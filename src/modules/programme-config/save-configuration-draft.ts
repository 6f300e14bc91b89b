/** Drafting a programme's configuration: saving (creating or replacing) and discarding the draft. */
import { randomUUID } from 'node:crypto';
import type { Row } from '../../db/types.ts';
import { inTransaction, type Tx } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { requirementsContext, visibleProgramme } from './configuration-access.ts';
import { checkedContent, contentHash, hex } from './configuration-content.ts';
import { presentVersion } from './configuration.presenter.ts';
import {
  deleteDraft,
  findDraft,
  insertConfiguration,
  nextVersionNumber,
  replaceDraft,
  type ConfigurationRow,
} from './configuration.repository.ts';
import type {
  ConfigurationContent,
  ConfigurationVersionView,
  SaveDraftBody,
} from './configuration.schema.ts';

/**
 * Checks the content with the three engines against the programme (problems: a 400, nothing
 * stored), then replaces the programme's draft or opens one under the next version number. The
 * caller holds the programme row locked and writes the audit event.
 */
export async function storeDraft(
  tx: Tx,
  ctx: Ctx,
  programme: Row<'programmes'>,
  content: ConfigurationContent,
  note: string,
): Promise<{ row: ConfigurationRow; replaced: boolean }> {
  const checked = checkedContent(content, await requirementsContext(tx, programme));
  const hash = contentHash(checked);
  const now = ctx.now();
  const draft = await findDraft(tx, programme.id);
  if (draft) {
    await replaceDraft(tx, draft.id, {
      content: JSON.stringify(checked),
      content_hash: hash,
      note,
      updated_at: now,
    });
  } else {
    await insertConfiguration(tx, {
      id: randomUUID(),
      programme_id: programme.id,
      version: await nextVersionNumber(tx, programme.id),
      state: 'draft',
      content: JSON.stringify(checked),
      content_hash: hash,
      note,
      created_at: now,
      created_by: actorRef(ctx.actor),
      updated_at: now,
    });
  }
  const row = await findDraft(tx, programme.id);
  if (!row) throw new Error('programme configuration: draft vanished');
  return { row, replaced: draft !== undefined };
}

/** Saves the draft (create or replace); published versions are never touched. */
export async function saveConfigurationDraft(
  ctx: Ctx,
  programmeId: string,
  input: SaveDraftBody,
): Promise<ConfigurationVersionView> {
  return inTransaction(ctx.db, async (tx) => {
    const programme = await visibleProgramme(tx, ctx.actor, programmeId, 'update');
    const { row, replaced } = await storeDraft(tx, ctx, programme, input.content, input.note ?? '');
    await appendAudit(tx, ctx, {
      type: 'programme.configuration_draft_saved',
      target: { type: 'programme', id: programme.id },
      payload: {
        configurationId: row.id,
        version: row.version,
        contentHash: hex(row.content_hash),
        replaced,
      },
    });
    return presentVersion(row);
  });
}

/** Deletes the draft; `not_found` when there is none. */
export async function discardConfigurationDraft(ctx: Ctx, programmeId: string): Promise<void> {
  await inTransaction(ctx.db, async (tx) => {
    const programme = await visibleProgramme(tx, ctx.actor, programmeId, 'update');
    const draft = await findDraft(tx, programme.id);
    if (!draft) throw notFound('configuration draft');
    await deleteDraft(tx, draft.id);
    await appendAudit(tx, ctx, {
      type: 'programme.configuration_draft_discarded',
      target: { type: 'programme', id: programme.id },
      payload: { configurationId: draft.id, version: draft.version, contentHash: hex(draft.content_hash) },
    });
  });
}
