/** Builds the client portal into dist/web/portal (served by the portal server). */
import { webAppConfig } from '../vite.shared.ts';

export default webAppConfig('portal');
