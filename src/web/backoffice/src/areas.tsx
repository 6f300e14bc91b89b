/**
 * The back office's areas: a route, the right that shows it (the API enforces it anyway), and a
 * navigation entry (an i18n key of the `common` namespace). One line per area.
 */
import type { ReactNode } from 'react';
import { Dashboard } from './pages/Dashboard.tsx';

export interface Area {
  path: string;
  /** The route pattern when it differs from `path` (e.g. with parameters). */
  routePath?: string;
  right?: string;
  nav?: string;
  element: ReactNode;
}

export const AREAS: Area[] = [{ path: '/', nav: 'nav.dashboard', element: <Dashboard /> }];
