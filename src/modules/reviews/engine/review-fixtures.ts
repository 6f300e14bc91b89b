/** Policies and records for the review engine's tests. */
import type { RiskBand } from '../../risk/engine/bands.ts';
import type { SubjectRole } from '../../applications/application.schema.ts';
import { defaultReviewPolicy } from './default-policy.ts';
import type { ReviewInput, ReviewPolicy, ReviewSubject } from './policy.schema.ts';

/** The default policy with some top-level settings replaced. */
export function policyWith(changes: Partial<ReviewPolicy> = {}): ReviewPolicy {
  return { ...defaultReviewPolicy(), ...changes };
}

/** A plain policy without role overrides: 36/24/12 months, 30 days lead, 14 days grace. */
export function plainPolicy(changes: Partial<ReviewPolicy> = {}): ReviewPolicy {
  return { ...defaultReviewPolicy(), roleOverrides: [], ...changes };
}

export function subject(
  id: string,
  roles: SubjectRole[],
  band?: RiskBand,
  extra: Partial<ReviewSubject> = {},
): ReviewSubject {
  return { id, roles, ...(band ? { band } : {}), ...extra };
}

export function record(band: RiskBand, approvedOn: string, extra: Partial<ReviewInput> = {}): ReviewInput {
  return {
    id: 'app-1',
    band,
    approvedOn,
    subjects: [subject('applicant-1', ['applicant'], band)],
    ...extra,
  };
}
