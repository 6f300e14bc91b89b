/**
 * A programme's versioned configuration (risk model, requirements, review policy). Reads need
 * `programme:read`, changes `programme:manage` and a recent second factor; both only within the
 * actor's programmes (another programme answers 404).
 */
import { Type } from 'typebox';
import {
  ConfigurationDiffView,
  ConfigurationExport,
  ConfigurationSummaryView,
  ConfigurationVersionView,
  DiffQuery,
  EffectiveConfigurationView,
  ExportQuery,
  ImportBody,
  PublishBody,
  SaveDraftBody,
  VersionParams,
  diffConfigurations,
  discardConfigurationDraft,
  exportConfiguration,
  getConfigurationDraft,
  getConfigurationVersion,
  getEffectiveConfiguration,
  importConfiguration,
  listConfigurationVersions,
  publishConfiguration,
  saveConfigurationDraft,
} from '../../../modules/programme-config/index.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

const tags = ['programme configuration'];
const read = { access: 'programme:read' } as const;
const manage = { access: 'programme:manage', stepUp: true } as const;
const base = '/programmes/:id/configuration';
// Each part may take up to 512 KiB (the engines' own limits); a whole configuration fits in 2 MiB.
const bodyLimit = 2 * 1024 * 1024;

export async function programmeConfigRoutes(app: App): Promise<void> {
  app.get(
    base,
    {
      config: read,
      schema: {
        tags,
        summary:
          'The configuration in force: the latest published version, or the defaults (source "default")',
        params: IdParams,
        response: { 200: EffectiveConfigurationView },
      },
    },
    async (req) => getEffectiveConfiguration(req.ctx, req.params.id),
  );
  app.get(
    `${base}/versions`,
    {
      config: read,
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(ConfigurationSummaryView) }) },
      },
    },
    async (req) => ({ items: await listConfigurationVersions(req.ctx, req.params.id) }),
  );
  app.get(
    `${base}/versions/:version`,
    {
      config: read,
      schema: { tags, params: VersionParams, response: { 200: ConfigurationVersionView } },
    },
    async (req) => getConfigurationVersion(req.ctx, req.params.id, req.params.version),
  );
  app.get(
    `${base}/draft`,
    { config: read, schema: { tags, params: IdParams, response: { 200: ConfigurationVersionView } } },
    async (req) => getConfigurationDraft(req.ctx, req.params.id),
  );
  app.put(
    `${base}/draft`,
    {
      config: manage,
      bodyLimit,
      schema: {
        tags,
        summary: 'Save the draft (create or replace); checked by the engines, nothing stored on a problem',
        params: IdParams,
        body: SaveDraftBody,
        response: { 200: ConfigurationVersionView },
      },
    },
    async (req) => saveConfigurationDraft(req.ctx, req.params.id, req.body),
  );
  app.delete(
    `${base}/draft`,
    { config: manage, schema: { tags, summary: 'Discard the draft', params: IdParams } },
    async (req, reply) => {
      await discardConfigurationDraft(req.ctx, req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    `${base}/publish`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Publish the draft whose content hash is expectedHash (409 stale_draft otherwise)',
        params: IdParams,
        body: PublishBody,
        response: { 200: ConfigurationVersionView },
      },
    },
    async (req) => publishConfiguration(req.ctx, req.params.id, req.body.expectedHash),
  );
  app.get(
    `${base}/diff`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Changes between two versions (numbers, "draft", "current" or "default")',
        params: IdParams,
        querystring: DiffQuery,
        response: { 200: ConfigurationDiffView },
      },
    },
    async (req) => diffConfigurations(req.ctx, req.params.id, req.query),
  );
  app.get(
    `${base}/export`,
    {
      config: read,
      schema: {
        tags,
        summary: 'A published version (or the configuration in force) as a portable document',
        params: IdParams,
        querystring: ExportQuery,
        response: { 200: ConfigurationExport },
      },
    },
    async (req) => exportConfiguration(req.ctx, req.params.id, req.query.version),
  );
  app.post(
    `${base}/import`,
    {
      config: manage,
      bodyLimit,
      schema: {
        tags,
        summary: 'Import an exported configuration as the draft (never published directly)',
        params: IdParams,
        body: ImportBody,
        response: { 200: ConfigurationVersionView },
      },
    },
    async (req) => importConfiguration(req.ctx, req.params.id, req.body),
  );
}
