/** The portal's areas: a route and a navigation entry (an i18n key of `common`). One line per area. */
import type { ReactNode } from 'react';
import { Applications } from './pages/Applications.tsx';

export interface Area {
  path: string;
  routePath?: string;
  nav?: string;
  element: ReactNode;
}

export const AREAS: Area[] = [{ path: '/', nav: 'nav.applications', element: <Applications /> }];
