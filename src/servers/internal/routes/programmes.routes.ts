import type { App } from '../../shared/create-http-app.ts';

export async function programmesRoutes(_app: App): Promise<void> {}
