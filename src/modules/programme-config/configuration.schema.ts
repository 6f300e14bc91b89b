/**
 * Inputs and views of a programme's versioned configuration. The three parts travel as `unknown`:
 * their engines (risk, completeness, reviews) are their schema and report problems with JSON-pointer
 * paths that a JSON schema could not.
 */
import { Type, type Static, type TSchema } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** Hex SHA-256 of the canonical (RFC 8785) JSON of a configuration's content. */
export const ContentHash = Type.String({ pattern: '^[0-9a-f]{64}$' });

/** The configuration itself: the risk model, the completeness requirements, the review policy. */
export const ConfigurationContent = Type.Object(
  { riskModel: Type.Unknown(), requirements: Type.Unknown(), reviewPolicy: Type.Unknown() },
  { additionalProperties: false },
);
export type ConfigurationContent = Static<typeof ConfigurationContent>;

export const SaveDraftBody = Type.Object(
  { content: ConfigurationContent, note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type SaveDraftBody = Static<typeof SaveDraftBody>;

export const PublishBody = Type.Object({ expectedHash: ContentHash }, { additionalProperties: false });
export type PublishBody = Static<typeof PublishBody>;

/** A version number, `draft`, `current` (the effective configuration) or `default` (the engines' defaults). */
export const VersionRef = Type.String({ pattern: '^(draft|current|default|[1-9][0-9]{0,6})$' });
/** Without `from` and `to`: what publishing the draft would change (`current` to `draft`). */
export const DiffQuery = Type.Object(
  { from: Type.Optional(VersionRef), to: Type.Optional(VersionRef) },
  { additionalProperties: false },
);
export type DiffQuery = Static<typeof DiffQuery>;

export const ExportQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1, maximum: 9_999_999 })) },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;

export const VersionParams = Type.Object(
  { id: Uuid, version: Type.Integer({ minimum: 1, maximum: 9_999_999 }) },
  { additionalProperties: false },
);

export const EXPORT_FORMAT = 'dossier.programme-configuration';
export const EXPORT_FORMAT_VERSION = 1;

/** An exported configuration, as written by export and read by import. */
export const ConfigurationExport = Type.Object(
  {
    format: Type.Literal(EXPORT_FORMAT),
    formatVersion: Type.Literal(EXPORT_FORMAT_VERSION),
    programme: Type.Object({ name: Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
    version: Nullable(Type.Integer({ minimum: 1 })),
    source: Type.Union([Type.Literal('published'), Type.Literal('default')]),
    exportedAt: DateTime,
    contentHash: ContentHash,
    content: ConfigurationContent,
  },
  { additionalProperties: false },
);
export type ConfigurationExport = Static<typeof ConfigurationExport>;

export const ImportBody = Type.Object(
  { document: ConfigurationExport, note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;

const versionFields = {
  id: Uuid,
  programmeId: Uuid,
  version: Type.Integer(),
  state: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
  contentHash: ContentHash,
  note: Type.String(),
  createdAt: DateTime,
  createdBy: Type.String(),
  updatedAt: DateTime,
  publishedAt: Nullable(DateTime),
  publishedBy: Nullable(Type.String()),
};
export const ConfigurationSummaryView = Type.Object(versionFields);
export type ConfigurationSummaryView = Static<typeof ConfigurationSummaryView>;
export const ConfigurationVersionView = Type.Object({ ...versionFields, content: ConfigurationContent });
export type ConfigurationVersionView = Static<typeof ConfigurationVersionView>;

/** What applies to the programme now: its latest published version, or the engines' defaults. */
export const EffectiveConfigurationView = Type.Object({
  programmeId: Uuid,
  source: Type.Union([Type.Literal('published'), Type.Literal('default')]),
  version: Nullable(Type.Integer()),
  contentHash: ContentHash,
  publishedAt: Nullable(DateTime),
  publishedBy: Nullable(Type.String()),
  content: ConfigurationContent,
  draft: Nullable(Type.Object({ version: Type.Integer(), contentHash: ContentHash, updatedAt: DateTime })),
});
export type EffectiveConfigurationView = Static<typeof EffectiveConfigurationView>;

const DiffSide = Type.Object({
  ref: Type.String(),
  source: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('default')]),
  version: Nullable(Type.Integer()),
  contentHash: ContentHash,
});
/** The engines' own diffs, side by side; `equal` when the two contents are identical. */
export const ConfigurationDiffView = Type.Object({
  from: DiffSide,
  to: DiffSide,
  equal: Type.Boolean(),
  riskModel: Type.Unknown(),
  requirements: Type.Unknown(),
  reviewPolicy: Type.Unknown(),
});
export type ConfigurationDiffView = Static<typeof ConfigurationDiffView>;
