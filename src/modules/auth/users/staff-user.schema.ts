/**
 * Inputs and views of staff users, declared once as TypeBox schemas; the types are inferred. The
 * lead's routes reuse them as request and response schemas (no mass assignment: every object is
 * closed with `additionalProperties: false`).
 */
import { Type, type Static } from 'typebox';
import { Page, PageQuery } from '../../../platform/pagination.ts';

/** What a username may look like once lower-cased; also enforced by {@link normaliseUsername}. */
export const USERNAME_PATTERN = '^[a-z0-9._-]{3,64}$';
/** E.164: a plus sign and 8 to 15 digits, the first not zero. */
export const E164_PATTERN = '^\\+[1-9][0-9]{7,14}$';

const Username = Type.String({ minLength: 3, maxLength: 64 });
const DisplayName = Type.String({ minLength: 1, maxLength: 200 });
const Email = Type.String({ minLength: 3, maxLength: 254, format: 'email' });
/** Spaces, dots, dashes and brackets are tolerated in input and removed before the E.164 check. */
const Mobile = Type.String({ minLength: 8, maxLength: 32 });

export const CreateStaffUserBody = Type.Object(
  {
    username: Username,
    displayName: DisplayName,
    email: Email,
    mobile: Type.Optional(Mobile),
  },
  { additionalProperties: false },
);
export type CreateStaffUserBody = Static<typeof CreateStaffUserBody>;

export const UpdateStaffUserBody = Type.Object(
  {
    /** The version the caller last read; a mismatch is a version_conflict. */
    version: Type.Integer({ minimum: 1 }),
    displayName: Type.Optional(DisplayName),
    email: Type.Optional(Email),
    /** A new number, or null to remove it. */
    mobile: Type.Optional(Type.Union([Mobile, Type.Null()])),
  },
  { additionalProperties: false },
);
export type UpdateStaffUserBody = Static<typeof UpdateStaffUserBody>;

/** A token from an activation or reset e-mail plus the password the user chose. */
export const TokenPasswordBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type TokenPasswordBody = Static<typeof TokenPasswordBody>;

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 4096 }),
    newPassword: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const StaffUserStatus = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);
export type StaffUserStatus = Static<typeof StaffUserStatus>;

export const ListStaffUsersQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(StaffUserStatus),
    /** Case-insensitive substring of the username or display name. */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type ListStaffUsersQuery = Static<typeof ListStaffUsersQuery>;

/**
 * What anyone outside this module sees of a staff user: never the password hash, the encrypted
 * mobile number or a token. `activated` says whether a password has been chosen.
 */
export const StaffUserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.String(),
  /** `••••1234`, or null without a mobile number. */
  mobileMasked: Type.Union([Type.String(), Type.Null()]),
  status: StaffUserStatus,
  activated: Type.Boolean(),
  /** 'directory': the password and group memberships live in the directory (no local reset). */
  source: Type.Union([Type.Literal('local'), Type.Literal('directory')]),
  passwordChangedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  version: Type.Integer(),
});
export type StaffUserView = Static<typeof StaffUserView>;

export const StaffUserPage = Page(StaffUserView);
export type StaffUserPage = Static<typeof StaffUserPage>;

/** A newly issued activation or reset token: shown once, to be e-mailed; only its hash is stored. */
export const IssuedTokenView = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type IssuedTokenView = Static<typeof IssuedTokenView>;

export const CreatedStaffUserView = Type.Object({ user: StaffUserView, activationToken: IssuedTokenView });
export type CreatedStaffUserView = Static<typeof CreatedStaffUserView>;
