import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import { countUnusedRecoveryCodes, findTotpFactor } from './factors.repository.ts';

/** Which second factors a user has: what the sign-in flow can offer and the account page shows. */
export interface FactorSummary {
  /** An authenticator app is active; when it was enrolled. */
  totp: { confirmedAt: Date } | null;
  /** An enrolment was started and not yet confirmed. */
  totpPending: boolean;
  /** Unused recovery codes left. */
  recoveryCodesRemaining: number;
}

/** The user's second factors (SMS depends on the phone number kept with the staff user). */
export async function getFactorSummary(db: Kysely<DB>, userId: string): Promise<FactorSummary> {
  const [active, pending, recoveryCodesRemaining] = await Promise.all([
    findTotpFactor(db, userId, 'active'),
    findTotpFactor(db, userId, 'pending'),
    countUnusedRecoveryCodes(db, userId),
  ]);
  return {
    totp: active ? { confirmedAt: active.confirmed_at ?? active.created_at } : null,
    totpPending: pending !== undefined,
    recoveryCodesRemaining,
  };
}

/** How many unused recovery codes the user has left. */
export function countRecoveryCodes(db: Kysely<DB>, userId: string): Promise<number> {
  return countUnusedRecoveryCodes(db, userId);
}
