/** Inputs and views of the directory administration (settings, group mappings, sync runs). */
import { Type, type Static } from 'typebox';

/** The directory settings an administrator may read: never the service account's password. */
export const DirectorySettingsView = Type.Object({
  url: Type.String(),
  transport: Type.Union([Type.Literal('ldaps'), Type.Literal('starttls')]),
  serverName: Type.String(),
  bindDn: Type.String(),
  userBase: Type.String(),
  loginAttributes: Type.Array(Type.String()),
  timeoutMs: Type.Integer(),
  lockoutThreshold: Type.Integer(),
  lockoutWindowMinutes: Type.Integer(),
  maxFailedBinds: Type.Integer(),
  syncIntervalMinutes: Type.Integer(),
  fullSyncHours: Type.Integer(),
  provisionOnSignIn: Type.Boolean(),
});
export type DirectorySettingsView = Static<typeof DirectorySettingsView>;

export const DirectoryStatusView = Type.Object({
  enabled: Type.Boolean(),
  settings: Type.Union([DirectorySettingsView, Type.Null()]),
});
export type DirectoryStatusView = Static<typeof DirectoryStatusView>;

export const GroupMappingView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  groupDn: Type.String(),
  roleId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  roleName: Type.Union([Type.String(), Type.Null()]),
  programmeId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  programmeName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type GroupMappingView = Static<typeof GroupMappingView>;

export const GroupMappingList = Type.Object({ items: Type.Array(GroupMappingView) });

/** A DN: `attr=value` pieces separated by commas; control characters refused. */
const DN_PATTERN = '^[A-Za-z][A-Za-z0-9-]*=[^\\u0000-\\u001f]+$';

export const AddGroupMappingBody = Type.Object(
  {
    groupDn: Type.String({ minLength: 3, maxLength: 1024, pattern: DN_PATTERN }),
    roleId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    programmeId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type AddGroupMappingBody = Static<typeof AddGroupMappingBody>;

export const SyncRunView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  mode: Type.Union([Type.Literal('full'), Type.Literal('changed')]),
  status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('api'), Type.Literal('cli')]),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  seen: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  disabled: Type.Integer(),
  enabled: Type.Integer(),
  unchanged: Type.Integer(),
  errors: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  highWaterMark: Type.Union([Type.String(), Type.Null()]),
});
export type SyncRunView = Static<typeof SyncRunView>;

export const SyncRunList = Type.Object({ items: Type.Array(SyncRunView) });

export const RunSyncBody = Type.Object(
  { mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('changed')])) },
  { additionalProperties: false },
);

export const DirectoryCheckView = Type.Object({
  serviceAccount: Type.Literal('ok'),
  userBase: Type.Union([Type.Literal('found'), Type.Literal('missing')]),
  tls: Type.Union([Type.Literal('ldaps'), Type.Literal('starttls')]),
});
