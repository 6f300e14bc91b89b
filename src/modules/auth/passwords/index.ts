export {
  assertArgon2Params,
  MAX_PASSWORD_INPUT,
  MIN_ARGON2_PARAMS,
  needsRehash,
  PasswordHasher,
  PasswordHashingBusyError,
  type Argon2Params,
  type PasswordHasherOptions,
} from './password-hashing.ts';
export {
  assertPasswordPolicyOptions,
  checkPasswordPolicy,
  DEFAULT_MAX_PASSWORD_LENGTH,
  type PasswordPolicyOptions,
  type PasswordProblem,
  type PasswordProblemCode,
} from './password-policy.ts';
export {
  CommonPasswordList,
  CommonPasswordListUnavailableError,
  getCommonPasswords,
  loadCommonPasswords,
} from './common-passwords.ts';
export { hashNewPassword, PasswordPolicyError } from './hash-new-password.ts';
