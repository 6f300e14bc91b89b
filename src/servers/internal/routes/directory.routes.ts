/**
 * Active Directory / LDAP administration: the settings (never the service account's password),
 * group mappings, a sync now, recent sync runs and a connection check. Reading needs `user:manage`;
 * a mapping grants roles, so changing mappings needs `role:manage` (and the rights of the role,
 * like assigning it) with a recent second factor; running a sync (it may disable users) or a
 * connection check needs `user:manage` with a recent second factor. Without a configured directory the settings say so
 * and the actions answer 409 `directory_not_configured`.
 */
import { Type } from 'typebox';
import { AppError } from '../../../platform/errors.ts';
import {
  AddGroupMappingBody,
  addGroupMapping,
  DirectoryCheckView,
  DirectoryStatusView,
  GroupMappingList,
  GroupMappingView,
  listGroupMappings,
  listSyncRuns,
  presentSyncRun,
  removeGroupMapping,
  RunSyncBody,
  syncDirectory,
  SyncRunList,
  SyncRunView,
  type DirectoryServices,
} from '../../../modules/auth/directory/index.ts';
import { DirectoryUnavailableError } from '../../../platform/ldap/directory.ts';
import type { App } from '../../shared/create-http-app.ts';
import type { AuthServices } from '../auth-services.ts';
import { IdParams } from './common.ts';

function configured(directory: DirectoryServices | null): DirectoryServices {
  if (!directory)
    throw new AppError('conflict', 'no directory is configured (the "directory" settings)', {
      reason: 'directory_not_configured',
    });
  return directory;
}

/** `auth.directory` is read per request (the services are built once; tests may set them later). */
export async function directoryRoutes(
  app: App,
  opts: { auth: Pick<AuthServices, 'directory'> },
): Promise<void> {
  const { auth } = opts;
  const tags = ['directory'];

  app.get(
    '/directory',
    {
      config: { access: 'user:manage' },
      schema: {
        tags,
        summary: 'Directory settings (without the password)',
        response: { 200: DirectoryStatusView },
      },
    },
    async () => ({ enabled: auth.directory !== null, settings: auth.directory?.settings ?? null }),
  );

  app.post(
    '/directory/check',
    {
      config: { access: 'user:manage', stepUp: true },
      schema: {
        tags,
        summary: 'Test the connection (TLS, CA), the service account and the user base',
        response: { 200: DirectoryCheckView },
      },
    },
    async () => {
      try {
        return await configured(auth.directory).client.check();
      } catch (err) {
        if (!(err instanceof DirectoryUnavailableError)) throw err;
        const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
        throw new AppError(
          'unavailable',
          `the directory cannot be used: ${err.message}${cause}`.slice(0, 300),
          {
            reason: 'directory_unavailable',
          },
        );
      }
    },
  );

  app.get(
    '/directory/mappings',
    {
      config: { access: 'user:manage' },
      schema: { tags, summary: 'Group mappings', response: { 200: GroupMappingList } },
    },
    async (req) => ({ items: await listGroupMappings(req.ctx) }),
  );

  app.post(
    '/directory/mappings',
    {
      config: { access: 'role:manage', stepUp: true },
      schema: {
        tags,
        summary: 'Map a directory group to a role and/or a programme',
        body: AddGroupMappingBody,
        response: { 201: GroupMappingView },
      },
    },
    async (req, reply) => reply.code(201).send(await addGroupMapping(req.ctx, req.body)),
  );

  app.delete(
    '/directory/mappings/:id',
    {
      config: { access: 'role:manage', stepUp: true },
      schema: { tags, summary: 'Remove a group mapping (applies at the next sync)', params: IdParams },
    },
    async (req, reply) => {
      await removeGroupMapping(req.ctx, req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/directory/sync-runs',
    {
      config: { access: 'user:manage' },
      schema: {
        tags,
        summary: 'Recent sync runs, newest first',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: SyncRunList },
      },
    },
    async (req) => ({ items: (await listSyncRuns(req.ctx.db, req.query.limit ?? 20)).map(presentSyncRun) }),
  );

  app.post(
    '/directory/sync',
    {
      config: { access: 'user:manage', stepUp: true },
      schema: {
        tags,
        summary: 'Sync now (full by default); the run is returned, failed or not',
        body: Type.Optional(RunSyncBody),
        response: { 200: SyncRunView },
      },
    },
    async (req) =>
      syncDirectory(req.ctx, configured(auth.directory), { mode: req.body?.mode ?? 'full', trigger: 'api' }),
  );
}
