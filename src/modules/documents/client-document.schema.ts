/**
 * Documents as a client user on the portal deals with them: the metadata of an upload (sent with
 * the raw file, not in a form) and what a client sees of the documents of their applications:
 * metadata only, never the file, never staff-only fields (checks, reasons, scan engine).
 */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const IsoDate = Type.String({ format: 'date' });

/** An upload's metadata (the link route takes it as the query string; the file is the body). */
export const ClientUploadQuery = Type.Object(
  {
    /** A subject of the application. */
    subjectId: Uuid,
    /** A document type code of the application's programme. */
    type: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
    issueDate: Type.Optional(IsoDate),
    expiryDate: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type ClientUploadQuery = Static<typeof ClientUploadQuery>;

/** Where a document stands in the firm's review: `pending` until a case officer records a check. */
export const ClientReviewStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('accepted'),
  Type.Literal('rejected'),
]);

export const ClientDocumentView = Type.Object({
  id: Uuid,
  subjectId: Uuid,
  type: Type.String(),
  typeLabel: Type.String(),
  filename: Type.String(),
  size: Type.Integer(),
  uploadedAt: Type.String({ format: 'date-time' }),
  /** The user of the client's own organisation who uploaded it (only those are listed). */
  uploadedBy: Type.String(),
  /** True when a user of the client's own organisation uploaded it. */
  uploadedByYourOrganisation: Type.Boolean(),
  review: ClientReviewStatus,
});
export type ClientDocumentView = Static<typeof ClientDocumentView>;

/** `?subjectId=`: only the types that apply to that subject of the application (a person, an entity). */
export const ClientDocumentTypesQuery = Type.Object(
  { subjectId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type ClientDocumentTypesQuery = Static<typeof ClientDocumentTypesQuery>;

/** A document type a client may upload for an application: its code and label, nothing else. */
export const ClientDocumentTypeView = Type.Object({ code: Type.String(), label: Type.String() });
export type ClientDocumentTypeView = Static<typeof ClientDocumentTypeView>;
