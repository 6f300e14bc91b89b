/**
 * Documents. Details (type, dates, checks, versions) need `subject:read`; uploads and new versions
 * `document:upload`; recording checks `document:review`; the file itself `document:view` (embedded
 * viewer, inline) or `document:download` (attachment); deletion `document:delete` with a recent
 * second factor. Only documents of the actor's programmes (or used in their applications) exist for
 * them; any other answers 404.
 *
 * Uploads are multipart/form-data: the text fields first, then one file part named `file`. The
 * fields are checked before the file is read; the file is streamed through the pipeline
 * (src/modules/documents/upload/store-upload.ts), never held in memory.
 */
import multipart from '@fastify/multipart';
import contentDisposition from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  addDocumentVersion,
  DeleteDocumentBody,
  deleteDocument,
  DocumentDetailView,
  DocumentListQuery,
  DocumentView,
  FileQuery,
  getDocument,
  LinkDocumentBody,
  linkDocumentToApplication,
  listDocuments,
  openDocumentFile,
  unlinkDocumentFromApplication,
  updateDocument,
  UpdateDocumentBody,
  uploadDocument,
  type DocumentServices,
  type UploadedFile,
} from '../../../modules/documents/index.ts';
import { findVisibleApplication } from '../../../modules/applications/find-visible-application.ts';
import { AppError, notFound, validationError } from '../../../platform/errors.ts';
import { Page } from '../../../platform/pagination.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

const UPLOAD_DESCRIPTION =
  'multipart/form-data: the text fields first, then one file part named `file`. The file is checked ' +
  '(size, name, extension against the programme allow-list and against the content, active content, ' +
  'archives, virus scan) and encrypted before it is stored; refusals are 413, 422 `file_refused` ' +
  '(`reason`), or 503 `scanner_unavailable`.';

/** Multipart overhead allowed above the file size limit before a declared length is refused. */
const MULTIPART_SLACK = 64 * 1024;

async function readUpload(
  req: FastifyRequest,
  maxBytes: number,
): Promise<{ fields: Record<string, string>; file: UploadedFile }> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_SLACK)
    throw new AppError('payload_too_large', `the file is larger than ${maxBytes} bytes`, {
      reason: 'file_too_large',
      limitBytes: maxBytes,
    });
  if (!req.isMultipart())
    throw new AppError('unsupported_media_type', 'send the file as multipart/form-data');
  const part = await req.file();
  if (!part) throw validationError('no file part in the upload', [{ path: '/file', message: 'required' }]);
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw validationError('the file part must be named "file"', [
      { path: `/${part.fieldname}`, message: 'unexpected file part' },
    ]);
  }
  // busboy stops at its limit and ENDS the stream as if the file were complete: turn that into an
  // error, or a truncated file would be stored. (The pipeline's own counter refuses at one byte over
  // the limit first; busboy's limit is one byte higher, as a second line.)
  part.file.once('limit', () =>
    part.file.destroy(Object.assign(new Error('file over the size limit'), { statusCode: 413 })),
  );
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(part.fields)) {
    if (name === 'file') continue;
    if (Array.isArray(value) || !value || value.type !== 'field' || typeof value.value !== 'string') {
      part.file.resume();
      throw validationError(`form field "${name}" must be given once, as text`, [
        { path: `/${name}`, message: 'must be one text field' },
      ]);
    }
    fields[name] = value.value;
  }
  return { fields, file: { filename: part.filename, source: part.file } };
}

/**
 * Content-Disposition per RFC 6266: an ASCII `filename` for old clients and, when the name is not
 * plain ASCII, the exact name in `filename*` (UTF-8, percent-encoded). Header bytes stay ASCII.
 */
export function dispositionHeader(filename: string, type: 'inline' | 'attachment'): string {
  const ascii = filename
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
  return contentDisposition(filename, { type, fallback: ascii });
}

async function sendFile(
  req: FastifyRequest<{ Params: { id: string }; Querystring: { version?: number } }>,
  reply: FastifyReply,
  services: DocumentServices,
  disposition: 'inline' | 'attachment',
) {
  const file = await openDocumentFile(req.ctx, services, {
    id: req.params.id,
    version: req.query.version,
    disposition,
    range: req.headers.range,
    ifRange: typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : undefined,
    ip: req.ip,
  });
  reply
    .code(file.status)
    .header('content-type', file.mediaType)
    .header('content-length', String(file.length))
    .header('content-disposition', dispositionHeader(file.filename, disposition))
    // The file never runs as active content in our origin (ASVS 3.2.1).
    .header('content-security-policy', 'sandbox')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('accept-ranges', 'bytes')
    .header('etag', file.etag)
    .header('x-document-version', String(file.version));
  if (file.contentRange) reply.header('content-range', file.contentRange);
  return reply.send(file.body);
}

const RangeProblemHeaders = (reply: FastifyReply, err: unknown) => {
  if (err instanceof AppError && err.code === 'range_not_satisfiable')
    reply.header('content-range', `bytes */${String(err.extra?.['size'] ?? '*')}`);
};

export async function documentsRoutes(app: App, opts: { documents: DocumentServices }): Promise<void> {
  const services = opts.documents;
  const maxBytes = services.settings.maxUploadBytes;
  await app.register(multipart, {
    limits: { fileSize: maxBytes + 1, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 100 },
    throwFileSizeLimit: true,
    // The name as the client sent it, path included: a name with a path is refused, not trimmed.
    preservePath: true,
  });
  app.addHook('onError', async (_req, reply, err) => RangeProblemHeaders(reply, err));

  app.post(
    '/subjects/:id/documents',
    {
      config: { access: 'document:upload' },
      schema: {
        tags: ['documents'],
        description: `Uploads a new document of the subject. Fields: type, applicationId?, programmeId?, issueDate?, expiryDate?. ${UPLOAD_DESCRIPTION}`,
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: DocumentDetailView },
      },
    },
    async (req, reply) => {
      const { fields, file } = await readUpload(req, maxBytes);
      const view = await uploadDocument(req.ctx, services, {
        subjectId: req.params.id,
        fields,
        file,
        ip: req.ip,
      });
      return reply.code(201).send(view);
    },
  );
  app.post(
    '/documents/:id/versions',
    {
      config: { access: 'document:upload' },
      schema: {
        tags: ['documents'],
        description: `Uploads a new version (it becomes current; the checks reset). Fields: issueDate?, expiryDate?. ${UPLOAD_DESCRIPTION}`,
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: DocumentDetailView },
      },
    },
    async (req, reply) => {
      const { fields, file } = await readUpload(req, maxBytes);
      const view = await addDocumentVersion(req.ctx, services, {
        documentId: req.params.id,
        fields,
        file,
        ip: req.ip,
      });
      return reply.code(201).send(view);
    },
  );
  app.get(
    '/documents',
    {
      config: { access: 'subject:read' },
      schema: { tags: ['documents'], querystring: DocumentListQuery, response: { 200: Page(DocumentView) } },
    },
    async (req) => listDocuments(req.ctx, req.query),
  );
  app.get(
    '/documents/:id',
    {
      config: { access: 'subject:read' },
      schema: { tags: ['documents'], params: IdParams, response: { 200: DocumentDetailView } },
    },
    async (req) => getDocument(req.ctx, req.params.id),
  );
  app.patch(
    '/documents/:id',
    {
      config: { access: 'document:review' },
      schema: {
        tags: ['documents'],
        params: IdParams,
        body: UpdateDocumentBody,
        response: { 200: DocumentDetailView },
      },
    },
    async (req) => updateDocument(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/documents/:id',
    {
      config: { access: 'document:delete', stepUp: true },
      schema: {
        tags: ['documents'],
        description:
          'Deletes the document (a tombstone stays); its keys are destroyed after the retention period.',
        params: IdParams,
        body: DeleteDocumentBody,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await deleteDocument(req.ctx, {
        id: req.params.id,
        reason: req.body.reason,
        retentionDays: services.settings.retentionDays,
      });
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/documents/:id/view',
    {
      config: { access: 'document:view' },
      schema: {
        tags: ['documents'],
        description:
          'The file for the embedded viewer (PDF, images, text as plain text): inline, sandboxed, not cached; Range supported; audited.',
        params: IdParams,
        querystring: FileQuery,
      },
    },
    async (req, reply) => sendFile(req, reply, services, 'inline'),
  );
  app.get(
    '/documents/:id/download',
    {
      config: { access: 'document:download' },
      schema: {
        tags: ['documents'],
        description: 'The original file as an attachment; Range supported; audited.',
        params: IdParams,
        querystring: FileQuery,
      },
    },
    async (req, reply) => sendFile(req, reply, services, 'attachment'),
  );

  app.get(
    '/applications/:id/documents',
    {
      config: { access: 'application:read' },
      schema: {
        tags: ['documents'],
        params: IdParams,
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(DocumentView) },
      },
    },
    async (req) => {
      if (!(await findVisibleApplication(req.ctx.db, req.ctx.actor, req.params.id)))
        throw notFound('application');
      return listDocuments(req.ctx, { ...req.query, applicationId: req.params.id });
    },
  );
  app.post(
    '/applications/:id/documents',
    {
      config: { access: 'application:write' },
      schema: {
        tags: ['documents'],
        params: IdParams,
        body: LinkDocumentBody,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await linkDocumentToApplication(req.ctx, {
        applicationId: req.params.id,
        documentId: req.body.documentId,
      });
      return reply.code(204).send(null);
    },
  );
  app.delete(
    '/applications/:id/documents/:documentId',
    {
      config: { access: 'application:write' },
      schema: {
        tags: ['documents'],
        params: Type.Object(
          { id: Type.String({ format: 'uuid' }), documentId: Type.String({ format: 'uuid' }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await unlinkDocumentFromApplication(req.ctx, {
        applicationId: req.params.id,
        documentId: req.params.documentId,
      });
      return reply.code(204).send(null);
    },
  );
}
