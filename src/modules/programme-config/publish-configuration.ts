import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { requirementsContext, visibleProgramme } from './configuration-access.ts';
import { checkedContent, contentHash, hex } from './configuration-content.ts';
import { presentVersion } from './configuration.presenter.ts';
import { findDraft, findVersion, markPublished } from './configuration.repository.ts';
import type { ConfigurationContent, ConfigurationVersionView } from './configuration.schema.ts';

/**
 * Publishes the draft, exactly as the publisher previewed it: `expectedHash` must be the draft's
 * content hash, else a `conflict` (reason `stale_draft`, with the current hash) and nothing changes.
 * The content is checked again against the programme as it is now (its statuses, document types or
 * forms may have changed since the draft was saved). From then on the version is frozen: the
 * database refuses any change to it or its removal. Without a draft: `conflict` (reason `no_draft`).
 */
export async function publishConfiguration(
  ctx: Ctx,
  programmeId: string,
  expectedHash: string,
): Promise<ConfigurationVersionView> {
  return inTransaction(ctx.db, async (tx) => {
    const programme = await visibleProgramme(tx, ctx.actor, programmeId, 'update');
    const draft = await findDraft(tx, programme.id);
    if (!draft)
      throw new AppError('conflict', 'the programme has no configuration draft', { reason: 'no_draft' });
    const hash = hex(draft.content_hash);
    if (hash !== expectedHash)
      throw new AppError('conflict', 'the draft changed since it was previewed', {
        reason: 'stale_draft',
        contentHash: hash,
      });
    const content = checkedContent(
      draft.content as ConfigurationContent,
      await requirementsContext(tx, programme),
    );
    // The stored hash is what was previewed; it must still be the hash of what is stored.
    if (hex(contentHash(content)) !== hash)
      throw new AppError('integrity_failure', 'the stored configuration does not match its hash');
    await markPublished(tx, draft.id, ctx.now(), actorRef(ctx.actor));
    await appendAudit(tx, ctx, {
      type: 'programme.configuration_published',
      target: { type: 'programme', id: programme.id },
      payload: { configurationId: draft.id, version: draft.version, contentHash: hash },
    });
    const row = await findVersion(tx, programme.id, draft.version);
    if (!row) throw new Error('programme configuration: published version vanished');
    return presentVersion(row);
  });
}
