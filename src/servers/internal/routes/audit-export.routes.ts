/**
 * Export of the audit trail (right `audit:export`). A POST, not a GET: every export is itself an
 * audited change, so it carries the CSRF token; a bulk export needs a recent second factor when
 * made from a staff session. The answer is the export document; the back office saves it as a file.
 */
import { AuditExportView, AuditFilter, exportAuditEvents } from '../../../modules/audit/index.ts';
import type { App } from '../../shared/create-http-app.ts';

export async function auditExportRoutes(app: App): Promise<void> {
  app.post(
    '/audit-exports',
    {
      config: { access: 'audit:export', stepUp: true },
      schema: {
        tags: ['audit'],
        summary: 'Export the audit events matching a search, with their hashes (audited)',
        body: AuditFilter,
        response: { 200: AuditExportView },
      },
    },
    async (req, reply) => {
      const doc = await exportAuditEvents(req.ctx, req.body);
      const stamp = doc.exportedAt.replace(/[:.]/g, '-');
      return reply
        .header('content-disposition', `attachment; filename="dossier-audit-${stamp}.json"`)
        .send(doc);
    },
  );
}
