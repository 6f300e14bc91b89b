import type { App } from '../../shared/create-http-app.ts';

export async function applicationsRoutes(_app: App): Promise<void> {}
