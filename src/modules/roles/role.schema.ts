import { Type, type Static } from 'typebox';
import { ALL_RIGHTS } from '../access/rights.ts';

/** One right of the catalogue (src/modules/access/rights.ts). */
export const RightName = Type.Enum(ALL_RIGHTS);

/** A name with at least one visible character; unique among roles regardless of case. */
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Description = Type.String({ maxLength: 1000 });
const Rights = Type.Array(RightName, { uniqueItems: true, maxItems: ALL_RIGHTS.length });
/** Whether the role lets its users skip the second factor from a trusted network. */
const TrustedNetworkSkip = Type.Boolean();

export const CreateRoleBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    rights: Rights,
    trustedNetworkSkip: Type.Optional(TrustedNetworkSkip),
  },
  { additionalProperties: false },
);
export type CreateRoleBody = Static<typeof CreateRoleBody>;

export const UpdateRoleBody = Type.Object(
  {
    /** The version the caller last read; a mismatch is a version_conflict. */
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    rights: Type.Optional(Rights),
    trustedNetworkSkip: Type.Optional(TrustedNetworkSkip),
  },
  { additionalProperties: false },
);
export type UpdateRoleBody = Static<typeof UpdateRoleBody>;

export const SetUserRolesBody = Type.Object(
  { roleIds: Type.Array(Type.String({ format: 'uuid' }), { uniqueItems: true, maxItems: 100 }) },
  { additionalProperties: false },
);
export type SetUserRolesBody = Static<typeof SetUserRolesBody>;

export const RoleView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.String(),
  /** Sorted; only rights still in the catalogue. */
  rights: Type.Array(Type.String()),
  trustedNetworkSkip: Type.Boolean(),
  /** Holds at least one administrative right (and so can never allow skipping the second factor). */
  administrative: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
});
export type RoleView = Static<typeof RoleView>;

export const RoleList = Type.Object({ items: Type.Array(RoleView) });
export type RoleList = Static<typeof RoleList>;

/** One entry of the rights catalogue, as shown to administrators composing roles. */
export const RightView = Type.Object({
  right: Type.String(),
  description: Type.String(),
  administrative: Type.Boolean(),
});
export type RightView = Static<typeof RightView>;

export const RightList = Type.Object({ items: Type.Array(RightView) });
export type RightList = Static<typeof RightList>;
