import { Type } from 'typebox';
import {
  AuditEventView,
  AuditQuery,
  AuditVerificationView,
  listAuditEvents,
  verifyAuditChain,
} from '../../../modules/audit/index.ts';
import type { App } from '../../shared/create-http-app.ts';

export async function auditRoutes(app: App): Promise<void> {
  app.get(
    '/audit-events',
    {
      config: { access: 'audit:read' },
      schema: {
        tags: ['audit'],
        querystring: AuditQuery,
        response: {
          200: Type.Object({
            items: Type.Array(AuditEventView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => listAuditEvents(req.ctx, req.query),
  );
  app.get(
    '/audit-verification',
    {
      config: { access: 'audit:read' },
      schema: { tags: ['audit'], response: { 200: AuditVerificationView } },
    },
    async (req) => verifyAuditChain(req.ctx.db),
  );
}
