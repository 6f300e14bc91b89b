/** Builds the back office into dist/web/backoffice (served by the internal server). */
import { webAppConfig } from '../vite.shared.ts';

export default webAppConfig('backoffice');
