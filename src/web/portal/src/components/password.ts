/** The password policy's refusals (`problems` of a 400 answer) as sentences for the password field. */
import type { TFunction } from 'i18next';
import { ApiError } from '../../../ui/api.ts';

interface Problem {
  code: string;
  minLength?: number;
  maxLength?: number;
  words?: string[];
}

/** One sentence per broken rule, or null when the answer is not a policy refusal. */
export function passwordProblems(err: unknown, t: TFunction): string | null {
  if (!(err instanceof ApiError) || !Array.isArray(err.body['problems'])) return null;
  const problems = err.body['problems'] as Problem[];
  if (problems.length === 0) return null;
  return problems
    .map((p) =>
      t(`password.${p.code}`, {
        ns: 'common',
        min: p.minLength,
        max: p.maxLength,
        words: (p.words ?? []).join(', '),
        defaultValue: t('password.other', { ns: 'common' }),
      }),
    )
    .join(' ');
}
