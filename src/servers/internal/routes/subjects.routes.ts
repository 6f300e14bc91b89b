import type { App } from '../../shared/create-http-app.ts';

export async function subjectsRoutes(_app: App): Promise<void> {}
