/**
 * Requirement conditions (`when`): checked against the requirement's scope (bounded size and depth,
 * subject facts and entity types only where there is a subject) and evaluated three-valued against a
 * snapshot. `true`, `false` or `null` (unknown: the band is not scored yet, or the snapshot does not
 * carry the fact); `not` of unknown is unknown, `all` is false if any part is false, `any` is true if
 * any part is true.
 */
import {
  checkConditionTree,
  checkValueList,
  evaluateConditionTree,
} from '../../../platform/definitions/condition-tree.ts';
import type { Problem } from '../../../platform/definitions/problems.ts';
import { isRiskBand, compareBands, type RiskBand } from '../../risk/engine/bands.ts';
import {
  ENTITY_TYPES,
  FACT_KEY,
  LIMITS,
  type Condition,
  type EntityType,
  type FactValue,
} from './requirements.schema.ts';

export type { Problem };

const isFactValue = (v: unknown): v is FactValue =>
  v === null ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && v.length <= LIMITS.maxFactValue);

/** Splits `application.x` / `subject.x`; undefined when malformed. */
export function parseFactName(name: string): { on: 'application' | 'subject'; key: string } | undefined {
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  const on = name.slice(0, dot);
  const key = name.slice(dot + 1);
  if ((on !== 'application' && on !== 'subject') || !FACT_KEY.test(key)) return undefined;
  return { on, key };
}

/**
 * Checks one condition; appends problems. `hasSubject` is false for application-scoped requirements,
 * where subject facts and entity types mean nothing.
 */
export function checkCondition(cond: unknown, path: string, hasSubject: boolean, problems: Problem[]): void {
  checkConditionTree(cond, path, LIMITS, problems, (c, p, keys) => {
    switch (keys) {
      case 'bandAtLeast':
        if (!isRiskBand(c.bandAtLeast))
          problems.push({
            path: `${p}/bandAtLeast`,
            message: 'must be one of: low, medium, high, prohibited',
          });
        return;
      case 'entityType':
        if (!(ENTITY_TYPES as readonly unknown[]).includes(c.entityType))
          problems.push({ path: `${p}/entityType`, message: `must be one of: ${ENTITY_TYPES.join(', ')}` });
        else if (!hasSubject)
          problems.push({
            path: `${p}/entityType`,
            message: 'applies to subjects only; the scope is the application',
          });
        return;
      case 'equals,fact':
      case 'fact,in': {
        const fact = typeof c.fact === 'string' ? parseFactName(c.fact) : undefined;
        if (!fact)
          problems.push({
            path: `${p}/fact`,
            message: 'must be "application.<key>" or "subject.<key>" (lower-case letters, digits, "_")',
          });
        else if (fact.on === 'subject' && !hasSubject)
          problems.push({ path: `${p}/fact`, message: 'subject facts need a subject scope' });
        if ('equals' in c) {
          if (!isFactValue(c.equals))
            problems.push({
              path: `${p}/equals`,
              message: 'must be a string, a finite number, a boolean or null',
            });
          return;
        }
        const values = c.in;
        if (!checkValueList(values, `${p}/in`, LIMITS.maxConditionValues, problems)) return;
        const seen = new Set<string>();
        values.forEach((v, i) => {
          if (!isFactValue(v))
            problems.push({
              path: `${p}/in/${i}`,
              message: 'must be a string, a finite number, a boolean or null',
            });
          else if (seen.has(JSON.stringify(v)))
            problems.push({ path: `${p}/in/${i}`, message: 'duplicate value' });
          seen.add(JSON.stringify(v));
        });
        return;
      }
      default:
        problems.push({
          path: p,
          message:
            'must be one of: {bandAtLeast}, {entityType}, {fact, equals}, {fact, in}, {all}, {any}, {not}',
        });
    }
  });
}

/** What a condition is evaluated against. */
export type ConditionInput = {
  band: RiskBand | null;
  applicationFacts: Readonly<Record<string, FactValue>>;
  /** Absent for application-scoped requirements. */
  subject?: { entityType: EntityType; facts: Readonly<Record<string, FactValue>> };
};

/** Evaluates a checked condition: true, false, or null when unknown. */
export function evaluateCondition(c: Condition, input: ConditionInput): boolean | null {
  return evaluateConditionTree(c, (leaf) => {
    if ('bandAtLeast' in leaf)
      return input.band === null ? null : compareBands(input.band, leaf.bandAtLeast) >= 0;
    if ('entityType' in leaf) return input.subject ? input.subject.entityType === leaf.entityType : null;
    const fact = parseFactName(leaf.fact);
    const facts = fact?.on === 'subject' ? input.subject?.facts : input.applicationFacts;
    if (!fact || !facts || !Object.hasOwn(facts, fact.key)) return null;
    const value = facts[fact.key];
    if (value === undefined) return null;
    return 'equals' in leaf ? value === leaf.equals : leaf.in.some((v) => v === value);
  });
}
