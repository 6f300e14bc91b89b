/**
 * The one way to turn a chosen password into something storable: policy first, then argon2id.
 * Activation, change and reset all go through it, so none of them can skip the policy.
 */
import { AppError } from '../../../platform/errors.ts';
import type { PasswordHasher } from './password-hashing.ts';
import { checkPasswordPolicy, type PasswordPolicyOptions, type PasswordProblem } from './password-policy.ts';

/** The chosen password breaks the policy; `problems` carries the stable codes. */
export class PasswordPolicyError extends AppError {
  readonly problems: PasswordProblem[];

  constructor(problems: PasswordProblem[]) {
    super('validation', 'The password does not meet the password policy.', { problems });
    this.name = 'PasswordPolicyError';
    this.problems = problems;
  }
}

/**
 * Checks `password` against the policy and returns its argon2id hash.
 * @throws PasswordPolicyError (400) listing every broken rule.
 * @throws CommonPasswordListUnavailableError (503) when the list cannot be loaded: never skipped.
 * @throws PasswordHashingBusyError (503) when the hashing queue is full.
 */
export async function hashNewPassword(
  hasher: PasswordHasher,
  password: string,
  policy: PasswordPolicyOptions,
): Promise<string> {
  const problems = await checkPasswordPolicy(password, policy);
  if (problems.length > 0) throw new PasswordPolicyError(problems);
  return hasher.hashPassword(password);
}
