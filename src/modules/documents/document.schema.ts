import { Type, type Static } from 'typebox';
import { PageQuery } from '../../platform/pagination.ts';

const Uuid = Type.String({ format: 'uuid' });
const IsoDate = Type.String({ format: 'date' });
const TypeCode = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });

/**
 * The form fields of an upload (multipart/form-data), sent BEFORE the file part: the pipeline
 * checks them before it reads a byte of the file. All are text fields.
 */
export const UploadFields = Type.Object(
  {
    /** The document type: a code of the programme's document types. */
    type: TypeCode,
    /** Upload for this application (its programme) and use the document in it. */
    applicationId: Type.Optional(Uuid),
    /** The programme, when there is no application and the subject has none of the caller's. */
    programmeId: Type.Optional(Uuid),
    issueDate: Type.Optional(IsoDate),
    expiryDate: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type UploadFields = Static<typeof UploadFields>;

/** The form fields of a new version: the file part, optionally preceded by new dates. */
export const VersionFields = Type.Object(
  {
    issueDate: Type.Optional(IsoDate),
    expiryDate: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type VersionFields = Static<typeof VersionFields>;

export const Validity = Type.Union([
  Type.Literal('unchecked'),
  Type.Literal('valid'),
  Type.Literal('invalid'),
]);

export const UpdateDocumentBody = Type.Object(
  {
    /** The version the caller last read; a mismatch is a version_conflict. */
    version: Type.Integer({ minimum: 1 }),
    type: Type.Optional(TypeCode),
    issueDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    expiryDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    validity: Type.Optional(Validity),
    /** Required with validity 'invalid'. */
    invalidReason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' })),
    physicalCopySeen: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateDocumentBody = Static<typeof UpdateDocumentBody>;

export const DeleteDocumentBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S' }) },
  { additionalProperties: false },
);
export type DeleteDocumentBody = Static<typeof DeleteDocumentBody>;

export const DocumentListQuery = Type.Object(
  {
    ...PageQuery,
    subjectId: Type.Optional(Uuid),
    programmeId: Type.Optional(Uuid),
    applicationId: Type.Optional(Uuid),
    type: Type.Optional(TypeCode),
    /** expiring: within the programme's notice period; expired: past the expiry date. */
    expiry: Type.Optional(Type.Union([Type.Literal('expiring'), Type.Literal('expired')])),
  },
  { additionalProperties: false },
);
export type DocumentListQuery = Static<typeof DocumentListQuery>;

export const FileQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export type FileQuery = Static<typeof FileQuery>;

export const LinkDocumentBody = Type.Object({ documentId: Uuid }, { additionalProperties: false });
export type LinkDocumentBody = Static<typeof LinkDocumentBody>;

export const DocumentVersionView = Type.Object({
  number: Type.Integer(),
  filename: Type.String(),
  extension: Type.String(),
  mediaType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String({ description: 'SHA-256 of the original file, hex' }),
  scan: Type.Union([Type.Literal('clean'), Type.Literal('not_scanned')]),
  scanEngine: Type.Union([Type.String(), Type.Null()]),
  uploadedBy: Type.String(),
  uploadedAt: Type.String({ format: 'date-time' }),
  current: Type.Boolean(),
});
export type DocumentVersionView = Static<typeof DocumentVersionView>;

export const ExpiryStatus = Type.Union([
  Type.Literal('none'),
  Type.Literal('valid'),
  Type.Literal('expiring'),
  Type.Literal('expired'),
]);

export const DocumentView = Type.Object({
  id: Uuid,
  subjectId: Uuid,
  programmeId: Uuid,
  type: Type.String(),
  typeLabel: Type.String(),
  issueDate: Type.Union([Type.String(), Type.Null()]),
  expiryDate: Type.Union([Type.String(), Type.Null()]),
  expiry: Type.Object({
    status: ExpiryStatus,
    noticeDays: Type.Integer(),
  }),
  validity: Validity,
  invalidReason: Type.Union([Type.String(), Type.Null()]),
  validitySetBy: Type.Union([Type.String(), Type.Null()]),
  validitySetAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  physicalCopySeen: Type.Boolean(),
  physicalCopySeenBy: Type.Union([Type.String(), Type.Null()]),
  physicalCopySeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  currentVersion: Type.Integer(),
  /** The current file: name, type, size, scan. */
  file: DocumentVersionView,
  applicationIds: Type.Array(Uuid),
  version: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type DocumentView = Static<typeof DocumentView>;

export const DocumentDetailView = Type.Object({
  document: DocumentView,
  /** Every upload, newest first; superseded versions stay for the audit. */
  versions: Type.Array(DocumentVersionView),
});
export type DocumentDetailView = Static<typeof DocumentDetailView>;
