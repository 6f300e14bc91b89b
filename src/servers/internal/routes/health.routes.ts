import { sql } from 'kysely';
import { Type } from 'typebox';
import type { App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';

const Health = Type.Object({ status: Type.String() });
const Ready = Type.Object({ status: Type.String(), database: Type.String() });

export async function healthRoutes(app: App, deps: InternalDeps): Promise<void> {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { hide: true, response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    { config: { access: 'public' }, schema: { hide: true, response: { 200: Ready, 503: Ready } } },
    async (_req, reply) => {
      try {
        await sql`SELECT 1`.execute(deps.database.db);
        return { status: 'ready', database: 'up' };
      } catch {
        return reply.code(503).send({ status: 'not_ready', database: 'down' });
      }
    },
  );
}
