/** The portal's areas: a route and a navigation entry (an i18n key of `common`). One line per area. */
import type { ReactNode } from 'react';
import { Account } from './pages/Account.tsx';
import { ApplicationOverview } from './pages/ApplicationOverview.tsx';
import { Applications } from './pages/Applications.tsx';
import { Documents } from './pages/Documents.tsx';
import { Messages } from './pages/Messages.tsx';
import { Parties } from './pages/Parties.tsx';
import { Questionnaire } from './pages/Questionnaire.tsx';
import { Tasks } from './pages/Tasks.tsx';

export interface Area {
  path: string;
  routePath?: string;
  nav?: string;
  element: ReactNode;
}

export const AREAS: Area[] = [
  { path: '/', nav: 'nav.applications', element: <Applications /> },
  { path: '/tasks', nav: 'nav.tasks', element: <Tasks /> },
  { path: '/account', nav: 'nav.account', element: <Account /> },
  { path: '/applications', routePath: '/applications/:id', element: <ApplicationOverview /> },
  { path: '/applications/documents', routePath: '/applications/:id/documents', element: <Documents /> },
  { path: '/applications/parties', routePath: '/applications/:id/parties', element: <Parties /> },
  { path: '/applications/messages', routePath: '/applications/:id/messages', element: <Messages /> },
  {
    path: '/applications/questionnaire',
    routePath: '/applications/:id/questionnaires/:assignmentId',
    element: <Questionnaire />,
  },
];
