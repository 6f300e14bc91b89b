/**
 * Documents on the portal, link side: the documents used in one of the client's applications
 * (metadata only), the document types a client may upload for it, and uploads. An upload's body is
 * the raw file (`application/octet-stream`), streamed from the portal straight into the document
 * pipeline (never buffered, never written anywhere but the encrypted blob store); its metadata
 * comes in the query string (subjectId, type, issueDate?, expiryDate?) and the file name in
 * `X-File-Name` (percent-encoded UTF-8). The session and CSRF checks of client-routes.ts run
 * before a byte of the body is read; the query and the file name are validated in the handler, so
 * they are looked at only for a signed-in client whatever hook the session check runs in (a caller
 * without a session learns nothing but 401).
 *
 * Refusals are those of staff uploads: 413 `file_too_large` (declared length, or while streaming),
 * 422 `file_refused` (`reason`), 503 `scanner_unavailable`; all audited, nothing stored.
 */
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import {
  ClientDocumentTypeView,
  ClientDocumentTypesQuery,
  ClientDocumentView,
  ClientUploadQuery,
  listClientDocuments,
  listClientDocumentTypes,
  uploadClientDocument,
  type DocumentServices,
} from '../../../modules/documents/index.ts';
import { AppError, validationError } from '../../../platform/errors.ts';
import { createAjv, describeAjvErrors } from '../../../platform/validation.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { clientRequest, requireClient } from './client-context.ts';

export const FILE_NAME_HEADER = 'x-file-name';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const checkQuery = createAjv().compile(ClientUploadQuery);
/** Percent-encoded UTF-8 (encodeURIComponent): printable ASCII only on the wire. */
const ENCODED_NAME = /^[\x21-\x7e]{1,2048}$/;

function uploadQuery(query: unknown): ClientUploadQuery {
  const copy = { ...(query as Record<string, unknown>) };
  if (!checkQuery(copy))
    throw validationError('invalid upload metadata', describeAjvErrors(checkQuery.errors));
  return copy as ClientUploadQuery;
}

function fileNameOf(raw: string | string[] | undefined): string {
  const refuse = () =>
    validationError('send the file name in X-File-Name, percent-encoded UTF-8', [
      { path: `/headers/${FILE_NAME_HEADER}`, message: 'required, percent-encoded UTF-8' },
    ]);
  if (typeof raw !== 'string' || !ENCODED_NAME.test(raw)) throw refuse();
  try {
    return decodeURIComponent(raw);
  } catch {
    throw refuse();
  }
}

export async function linkClientDocumentsRoutes(
  app: App,
  deps: Pick<InternalDeps, 'documents'>,
): Promise<void> {
  const services: DocumentServices = deps.documents;
  const maxBytes = services.settings.maxUploadBytes;
  const session = { link: true, client: 'session' } as const;

  // Own scope: only these routes take a raw body, handed over as the request stream (unbuffered).
  await app.register(async (scope: App) => {
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

    scope.get(
      '/link/v1/applications/:id/documents',
      {
        config: session,
        schema: {
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(ClientDocumentView) }) },
        },
      },
      async (req) => {
        const { actor, ctx } = requireClient(req);
        return { items: await listClientDocuments(ctx, actor, req.params.id) };
      },
    );

    // The types the client may choose from when uploading (`?subjectId=`: those for that subject).
    scope.get(
      '/link/v1/applications/:id/document-types',
      {
        config: session,
        schema: {
          params: IdParams,
          querystring: ClientDocumentTypesQuery,
          response: { 200: Type.Object({ items: Type.Array(ClientDocumentTypeView) }) },
        },
      },
      async (req) => {
        const { actor, ctx } = requireClient(req);
        return {
          items: await listClientDocumentTypes(ctx, actor, {
            applicationId: req.params.id,
            subjectId: req.query.subjectId,
          }),
        };
      },
    );

    scope.post(
      '/link/v1/applications/:id/documents',
      {
        config: session,
        // Query (ClientUploadQuery) and X-File-Name are validated in the handler, after the session.
        schema: { params: IdParams, response: { 201: ClientDocumentView } },
      },
      async (req, reply) => {
        const { actor, ctx } = requireClient(req);
        const source = req.body;
        if (!(source instanceof Readable))
          throw new AppError('unsupported_media_type', 'send the file as application/octet-stream');
        const declared = Number(req.headers['content-length'] ?? NaN);
        if (Number.isFinite(declared) && declared > maxBytes) {
          // Not read: the connection is closed after the answer rather than drained.
          reply.header('connection', 'close');
          throw new AppError('payload_too_large', `the file is larger than ${maxBytes} bytes`, {
            reason: 'file_too_large',
            limitBytes: maxBytes,
          });
        }
        const query = uploadQuery(req.query);
        const filename = fileNameOf(req.headers[FILE_NAME_HEADER]);
        const view = await uploadClientDocument(ctx, actor, services, {
          applicationId: req.params.id,
          subjectId: query.subjectId,
          type: query.type,
          ...(query.issueDate ? { issueDate: query.issueDate } : {}),
          ...(query.expiryDate ? { expiryDate: query.expiryDate } : {}),
          file: { filename, source },
          ip: clientRequest(req).ip,
        });
        return reply.code(201).send(view);
      },
    );
  });
}
