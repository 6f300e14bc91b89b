/**
 * The clear view of a subject's sensitive fields (sensitive-fields.ts): who may ask for it, and its
 * audit event. Shared by the single-subject view and the list.
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { mayRevealSensitiveFields } from './subject.policy.ts';
import { SENSITIVE_FIELD_NAMES, type SensitiveField } from './sensitive-fields.ts';

/** Where the clear view was asked for, for the `access.denied` event of a refusal. */
export interface RevealOrigin {
  method: string;
  route: string;
}

const RIGHT = 'subject:reveal-identifiers';

/** Refuses (403, audited as `access.denied` with the missing right) an actor without the right. */
export async function assertMayReveal(ctx: Ctx, origin: RevealOrigin): Promise<void> {
  if (mayRevealSensitiveFields(ctx.actor)) return;
  await recordAudit(ctx.db, ctx, {
    type: 'access.denied',
    payload: { method: origin.method, route: origin.route, right: RIGHT },
  });
  throw new AppError('forbidden', `the clear view of sensitive fields requires the right "${RIGHT}"`);
}

/**
 * Audits one clear view: the subjects whose sensitive fields were shown and the field NAMES (never
 * values). Nothing is written when no sensitive field was shown.
 */
export async function auditReveal(
  ctx: Ctx,
  shown: { subjectId: string; fields: SensitiveField[] }[],
): Promise<void> {
  const withFields = shown.filter((s) => s.fields.length > 0);
  if (withFields.length === 0) return;
  const fields = SENSITIVE_FIELD_NAMES.filter((f) => withFields.some((s) => s.fields.includes(f)));
  const subjectIds = withFields.map((s) => s.subjectId);
  await recordAudit(ctx.db, ctx, {
    type: 'subject.sensitive_fields_revealed',
    ...(subjectIds.length === 1 ? { target: { type: 'subject' as const, id: subjectIds[0]! } } : {}),
    payload: { subjectIds, fields },
  });
}
