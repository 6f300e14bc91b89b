/** The home dashboard of the back office: counts within the actor's programmes. */
import { DashboardView, getDashboard } from '../../../modules/dashboard/index.ts';
import type { App } from '../../shared/create-http-app.ts';

export async function dashboardRoutes(app: App): Promise<void> {
  app.get(
    '/dashboard',
    {
      config: { access: 'application:read' },
      schema: {
        tags: ['dashboard'],
        summary: 'Counts for the home dashboard: applications, risk, alerts, requests and documents due',
        response: { 200: DashboardView },
      },
    },
    async (req) => getDashboard(req.ctx),
  );
}
