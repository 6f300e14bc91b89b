import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { actorRef } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { currentViolations } from './enforce-separation-of-duties.ts';
import { checkedRights } from './role.policy.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { orderedPair } from './separation-of-duties.policy.ts';
import { presentSodRule } from './separation-of-duties.presenter.ts';
import { findSodRuleByPair, insertSodRule } from './separation-of-duties.repository.ts';
import type { CreateSodRuleBody, SodRuleView } from './separation-of-duties.schema.ts';

export type AddSodRuleInput = CreateSodRuleBody;

/**
 * Adds a separation-of-duties rule: the two rights (any order, stored in byte order) may no longer
 * be held together by one staff user, nor by one role. Adding a rule that someone already breaks is
 * refused (409 `conflict`, `reason: 'separation_of_duties'`, `violations` listing each staff user
 * and role holding both, with the roles bringing each right; no `ruleId`, as the rule does not exist): the administrator changes their
 * roles first, so that once a rule exists nobody breaks it. A pair that already has a rule is a
 * `conflict`; the same right twice a `validation` error. Audited (`separation_of_duties.added`).
 * @throws AppError validation, conflict.
 */
export async function addSeparationOfDutiesRule(ctx: Ctx, input: AddSodRuleInput): Promise<SodRuleView> {
  checkedRights([input.rightA, input.rightB]);
  if (input.rightA === input.rightB)
    throw validationError('a rule needs two different rights', [
      { path: 'rightB', message: 'must differ from rightA' },
    ]);
  const [rightA, rightB] = orderedPair(input.rightA, input.rightB);
  const description = input.description ?? '';
  try {
    return await inTransaction(ctx.db, async (tx) => {
      if (await findSodRuleByPair(tx, rightA, rightB)) throw pairConflict(rightA, rightB);
      const id = randomUUID();
      const broken = await currentViolations(tx, [{ id, rightA, rightB }]);
      if (broken.length) {
        const users = new Set(broken.flatMap((v) => (v.userId ? [v.userId] : []))).size;
        const roles = new Set(broken.flatMap((v) => (v.userId ? [] : v.rolesWithA))).size;
        throw new AppError(
          'conflict',
          `${users} staff user(s) and ${roles} role(s) already hold both ${rightA} and ${rightB}; change their roles first`,
          { reason: 'separation_of_duties', violations: broken.map(({ ruleId: _, ...v }) => v) },
        );
      }
      const row = await insertSodRule(tx, {
        id,
        right_a: rightA,
        right_b: rightB,
        description,
        created_at: ctx.now(),
        created_by: actorRef(ctx.actor),
      });
      await appendAudit(tx, ctx, {
        type: 'separation_of_duties.added',
        target: { type: 'separation_of_duties', id },
        payload: { rightA, rightB, description },
      });
      return presentSodRule(row, []);
    });
  } catch (err) {
    // Two additions of one pair can both pass the check; the unique constraint decides.
    if (isUniqueViolation(err)) throw pairConflict(rightA, rightB);
    throw err;
  }
}

function pairConflict(rightA: string, rightB: string): AppError {
  return new AppError('conflict', `a rule for ${rightA} and ${rightB} already exists`);
}
