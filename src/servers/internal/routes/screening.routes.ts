/**
 * Screening. Searching and screening subjects, and the alerts (per subject, and the queue of open
 * alerts across subjects), need `screening:run`; deciding an alert `screening:resolve`; importing a
 * list needs `screening:lists`. A list upload is multipart/form-data: the text field `format` (and
 * `ofacList`), then the file part `file` (OFAC: also `alt`, `add`, `comments`); the parts are
 * written to a private temporary directory, imported, and removed.
 */
import multipart from '@fastify/multipart';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Type } from 'typebox';
import type { ScreeningProvider } from '../../../modules/screening/index.ts';
import {
  activeSnapshots,
  importListSnapshot,
  LIST_FORMATS,
  ListSnapshotView,
  ScreenBatchBody,
  screenBatch,
  ScreeningRunView,
  screenName,
  ScreenNameBody,
  screenSubject,
  AlertListQuery,
  AlertQueueItemView,
  AlertQueueQuery,
  AlertView,
  listAlertQueue,
  listSubjectAlerts,
  listSubjectRuns,
  SubjectRunView,
  resolveAlert,
  ResolveAlertBody,
  type ListFormat,
} from '../../../modules/screening/index.ts';
import { AppError, validationError } from '../../../platform/errors.ts';
import { Page } from '../../../platform/pagination.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

const MAX_LIST_FILE = 512 * 1024 * 1024;
const FILE_PARTS = new Set(['file', 'alt', 'add', 'comments']);

const ImportResultView = Type.Object({
  snapshotId: Type.String({ format: 'uuid' }),
  list: Type.String(),
  unchanged: Type.Boolean(),
  contentHash: Type.String(),
  entities: Type.Integer(),
  names: Type.Integer(),
  added: Type.Integer(),
  changed: Type.Integer(),
  removed: Type.Integer(),
  previousId: Type.Union([Type.String(), Type.Null()]),
});

export async function screeningRoutes(
  app: App,
  opts: { screening: ScreeningProvider & { invalidate?(): void } },
): Promise<void> {
  const provider = opts.screening;
  await app.register(multipart, {
    limits: { fileSize: MAX_LIST_FILE, files: 4, fields: 4, fieldSize: 100, parts: 8 },
    throwFileSizeLimit: true,
  });

  app.get(
    '/screening/lists',
    {
      config: { access: 'screening:run' },
      schema: {
        tags: ['screening'],
        response: { 200: Type.Object({ items: Type.Array(ListSnapshotView) }) },
      },
    },
    async (req) => ({
      items: (await activeSnapshots(req.ctx)).map((s) => ({
        id: s.id,
        list: s.list,
        entities: s.entities,
        contentHash: s.contentHash,
        importedAt: s.importedAt.toISOString(),
      })),
    }),
  );

  app.post(
    '/screening/lists/:list/snapshots',
    {
      config: { access: 'screening:lists' },
      schema: {
        tags: ['screening'],
        description:
          'Imports a list file as a new snapshot (multipart: field `format` first, then the file part `file`; OFAC also `alt`, `add`, `comments`). A malformed file is refused with the line or element at fault and the active snapshot stays.',
        consumes: ['multipart/form-data'],
        params: Type.Object(
          { list: Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' }) },
          { additionalProperties: false },
        ),
        response: { 201: ImportResultView },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart())
        throw new AppError('unsupported_media_type', 'send the list as multipart/form-data');
      const dir = mkdtempSync(join(tmpdir(), 'dossier-list-'));
      try {
        const files: Record<string, string> = {};
        const fields: Record<string, string> = {};
        for await (const part of req.parts()) {
          if (part.type === 'field') {
            if (part.fieldname !== 'format' && part.fieldname !== 'ofacList')
              throw validationError(`unknown field "${part.fieldname}"`, [
                { path: `/${part.fieldname}`, message: 'unknown field' },
              ]);
            fields[part.fieldname] = String(part.value);
            continue;
          }
          if (!FILE_PARTS.has(part.fieldname) || files[part.fieldname]) {
            part.file.resume();
            throw validationError(`unexpected file part "${part.fieldname}"`, [
              { path: `/${part.fieldname}`, message: 'expected file, alt, add or comments, once each' },
            ]);
          }
          const path = join(dir, part.fieldname);
          await pipeline(part.file, createWriteStream(path, { mode: 0o600 }));
          if (part.file.truncated)
            throw new AppError('payload_too_large', `the list file is larger than ${MAX_LIST_FILE} bytes`);
          files[part.fieldname] = path;
        }
        const format = fields['format'] as ListFormat | undefined;
        if (!format || !LIST_FORMATS.includes(format))
          throw validationError('say the file format', [
            { path: '/format', message: `one of ${LIST_FORMATS.join(', ')}` },
          ]);
        if (!files['file']) throw validationError('no file part', [{ path: '/file', message: 'required' }]);
        const ofacList = fields['ofacList'] === 'cons' ? 'cons' : 'sdn';
        const result = await importListSnapshot(req.ctx, {
          format,
          list: req.params.list,
          ofacList,
          files:
            format === 'ofac-csv'
              ? {
                  main: files['file'],
                  ...(files['alt'] ? { alt: files['alt'] } : {}),
                  ...(files['add'] ? { add: files['add'] } : {}),
                  ...(files['comments'] ? { comments: files['comments'] } : {}),
                }
              : files['file'],
        });
        provider.invalidate?.();
        return reply.code(201).send(result);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  app.post(
    '/screening/search',
    {
      config: { access: 'screening:run' },
      schema: { tags: ['screening'], body: ScreenNameBody, response: { 200: ScreeningRunView } },
    },
    async (req) => screenName(req.ctx, provider, req.body),
  );
  app.post(
    '/screening/batch',
    {
      config: { access: 'screening:run' },
      schema: {
        tags: ['screening'],
        body: ScreenBatchBody,
        response: { 200: Type.Object({ runs: Type.Array(ScreeningRunView) }) },
      },
    },
    async (req) => screenBatch(req.ctx, provider, req.body),
  );
  app.post(
    '/subjects/:id/screenings',
    {
      config: { access: 'screening:run' },
      schema: { tags: ['screening'], params: IdParams, response: { 201: ScreeningRunView } },
    },
    async (req, reply) => reply.code(201).send(await screenSubject(req.ctx, provider, req.params.id)),
  );
  app.get(
    '/subjects/:id/screenings',
    {
      config: { access: 'screening:run' },
      schema: {
        tags: ['screening'],
        description: "The subject's screening runs, newest first (the last 100).",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(SubjectRunView) }) },
      },
    },
    async (req) => listSubjectRuns(req.ctx, req.params.id),
  );
  app.get(
    '/subjects/:id/alerts',
    {
      config: { access: 'screening:run' },
      schema: {
        tags: ['screening'],
        params: IdParams,
        querystring: AlertListQuery,
        response: { 200: Type.Object({ items: Type.Array(AlertView) }) },
      },
    },
    async (req) => listSubjectAlerts(req.ctx, req.params.id, req.query.status),
  );
  app.get(
    '/screening/alerts',
    {
      config: { access: 'screening:run' },
      schema: {
        tags: ['screening'],
        description:
          "The open alerts of the subjects the caller sees (its programmes' subjects and those of their applications), highest score first, each with its subject and the per-token explanation of the run that raised it. Keyset-paginated (`cursor`).",
        querystring: AlertQueueQuery,
        response: { 200: Page(AlertQueueItemView) },
      },
    },
    async (req) => listAlertQueue(req.ctx, req.query),
  );
  app.post(
    '/screening/alerts/:id/decision',
    {
      config: { access: 'screening:resolve' },
      schema: { tags: ['screening'], params: IdParams, body: ResolveAlertBody, response: { 200: AlertView } },
    },
    async (req) => resolveAlert(req.ctx, { id: req.params.id, ...req.body }),
  );
}
