/**
 * The file of a document, for the embedded viewer (`inline`) or as a download (`attachment`),
 * whole or a byte range. Before a byte is sent: the document must be visible (404 otherwise), the
 * stored object must have the size its row says, its data key must unwrap, and the first segment
 * must decrypt; a failure of any of these is audited (`document.integrity_failed`) and answered
 * without content. Later segments are verified as they stream: a tampered one ends the response
 * before its bytes. Each view and download is audited (who, which version and range, from where)
 * before the content flows.
 */
import { Readable } from 'node:stream';
import parseRange from 'range-parser';
import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { openPlaintext, unwrapBlobKey } from './blob-access.ts';
import type { DocumentServices } from './document.services.ts';
import { findBlob, findDocument, findVersion } from './document.repository.ts';
import { documentScope } from './load-document-views.ts';

/** What the embedded viewer shows; anything else is downloaded. */
const VIEWABLE: Record<string, string> = {
  'application/pdf': 'application/pdf',
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
  'image/tiff': 'image/tiff',
  // Text is shown as plain text, never as anything a browser would interpret.
  'text/plain; charset=utf-8': 'text/plain; charset=utf-8',
  'text/csv; charset=utf-8': 'text/plain; charset=utf-8',
};

export interface OpenDocumentFileInput {
  id: string;
  version?: number | undefined;
  disposition: 'inline' | 'attachment';
  /** The Range header, if any (one range; several are answered with the whole file). */
  range?: string | undefined;
  /** If-Range: the range applies only if it still names this version's ETag. */
  ifRange?: string | undefined;
  ip: string | null;
}

export interface DocumentFile {
  status: 200 | 206;
  body: Readable;
  mediaType: string;
  filename: string;
  /** Bytes in this response. */
  length: number;
  /** For 206: `bytes start-end/size`. */
  contentRange: string | null;
  etag: string;
  version: number;
}

/** The first byte range of a Range header, or null to send the whole file; 416 if unsatisfiable. */
function byteRange(header: string | undefined, size: number): { start: number; endInclusive: number } | null {
  if (!header) return null;
  const parsed = parseRange(size, header, { combine: true });
  if (parsed === -2) return null; // malformed: ignored, as RFC 9110 allows
  if (parsed === -1 || size === 0)
    throw new AppError('range_not_satisfiable', 'the range is outside the file', { size });
  if (parsed.type !== 'bytes' || parsed.length !== 1) return null;
  return { start: parsed[0]!.start, endInclusive: parsed[0]!.end };
}

export async function openDocumentFile(
  ctx: Ctx,
  services: DocumentServices,
  input: OpenDocumentFileInput,
): Promise<DocumentFile> {
  const doc = await findDocument(ctx.db, input.id, documentScope(ctx.actor));
  if (!doc) throw notFound('document');
  const number = input.version ?? doc.current_version;
  const version = await findVersion(ctx.db, doc.id, number);
  if (!version) throw notFound('document version');
  const mediaType = input.disposition === 'inline' ? VIEWABLE[version.media_type] : version.media_type;
  if (!mediaType)
    throw new AppError(
      'conflict',
      'the embedded viewer shows PDF files, images and text; download this file instead',
      { reason: 'not_viewable' },
    );
  const blob = await findBlob(ctx.db, version.blob_id);
  const target = { type: 'document' as const, id: doc.id };
  const integrityFailure = async (stage: 'size' | 'key' | 'content'): Promise<never> => {
    await recordAudit(ctx.db, ctx, {
      type: 'document.integrity_failed',
      target,
      payload: { version: number, blobId: version.blob_id, stage, ip: input.ip },
    });
    throw new AppError(
      'integrity_failure',
      'the stored document failed its integrity check; nothing was sent (the incident is recorded)',
    );
  };
  if (!blob || blob.state !== 'stored' || !blob.kek_id || !blob.wrapped_key) return integrityFailure('key');
  const storedSize = Number(blob.stored_size);
  const plainSize = Number(blob.plain_size);
  if ((await services.store.size(blob.id)) !== storedSize) return integrityFailure('size');
  let dataKey: Buffer;
  try {
    dataKey = unwrapBlobKey(ctx.keyring, {
      id: blob.id,
      kekId: blob.kek_id,
      wrappedKey: blob.wrapped_key,
      storedSize,
      plainSize,
    });
  } catch {
    return integrityFailure('key');
  }

  const etag = `"${Buffer.from(version.sha256).toString('hex')}"`;
  const rangeApplies = input.range && (!input.ifRange || input.ifRange === etag);
  const range = rangeApplies ? byteRange(input.range, plainSize) : null;
  const plain = openPlaintext(services.store, dataKey, { id: blob.id, storedSize }, range ?? undefined);

  // Pull the first verified chunk before answering: a tampered start becomes a clean error.
  const it = plain[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch {
    plain.destroy();
    return integrityFailure('content');
  }
  await recordAudit(ctx.db, ctx, {
    type: input.disposition === 'inline' ? 'document.viewed' : 'document.downloaded',
    target,
    payload: {
      version: number,
      range: range ? `${range.start}-${range.endInclusive}` : null,
      ip: input.ip,
    },
  });
  const body = Readable.from(
    (async function* () {
      if (!first.done) yield first.value;
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await it.next();
        } catch (err) {
          // A later segment failed: the response ends before its bytes; the incident is recorded.
          await integrityFailure('content').catch(() => undefined);
          throw err;
        }
        if (next.done) return;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  return {
    status: range ? 206 : 200,
    body,
    mediaType,
    filename: version.filename,
    length: range ? range.endInclusive - range.start + 1 : plainSize,
    contentRange: range ? `bytes ${range.start}-${range.endInclusive}/${plainSize}` : null,
    etag,
    version: number,
  };
}
