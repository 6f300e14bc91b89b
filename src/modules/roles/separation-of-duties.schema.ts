import { Type, type Static } from 'typebox';
import { RightName } from './role.schema.ts';

export const CreateSodRuleBody = Type.Object(
  {
    /** The two rights (any order; stored in byte order) one staff user may not hold together. */
    rightA: RightName,
    rightB: RightName,
    /** Why, shown to administrators. */
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type CreateSodRuleBody = Static<typeof CreateSodRuleBody>;

/**
 * A staff user (`userId`), or a role on its own (`userId` null), holding both rights of a rule,
 * and the roles bringing each right.
 */
export const SodViolationView = Type.Object({
  ruleId: Type.String({ format: 'uuid' }),
  rightA: Type.String(),
  rightB: Type.String(),
  userId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  rolesWithA: Type.Array(Type.String({ format: 'uuid' })),
  rolesWithB: Type.Array(Type.String({ format: 'uuid' })),
});
export type SodViolationView = Static<typeof SodViolationView>;

export const SodRuleView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  rightA: Type.String(),
  rightB: Type.String(),
  description: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  /**
   * Who breaks the rule now: normally nobody (every change is checked); a rule added by a migration
   * to an installation that already had such holders lists them until they are fixed.
   */
  violations: Type.Array(SodViolationView),
});
export type SodRuleView = Static<typeof SodRuleView>;

export const SodRuleList = Type.Object({ items: Type.Array(SodRuleView) });
export type SodRuleList = Static<typeof SodRuleList>;
