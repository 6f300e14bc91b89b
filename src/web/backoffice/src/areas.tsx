/**
 * The back office's areas: a route, the right that shows it (the API enforces it anyway), and a
 * navigation entry (an i18n key of the `common` namespace). One line per area.
 */
import type { ReactNode } from 'react';
import { Dashboard } from './pages/Dashboard.tsx';
import { ApplicationDetail } from './pages/ApplicationDetail.tsx';
import { Applications } from './pages/Applications.tsx';
import { Sessions } from './pages/Sessions.tsx';
import { Passkeys } from './pages/Passkeys.tsx';
import { AlertQueue } from './pages/AlertQueue.tsx';
import { DocumentViewer } from './pages/DocumentViewer.tsx';
import { SubjectDetail } from './pages/SubjectDetail.tsx';
import { SubjectList } from './pages/SubjectList.tsx';
import { ADMIN_AREAS } from './pages/admin/admin-areas.tsx';

export interface Area {
  path: string;
  /** The route pattern when it differs from `path` (e.g. with parameters). */
  routePath?: string;
  right?: string;
  nav?: string;
  element: ReactNode;
}

/** Subjects (with the organigram), documents (with the viewer) and the screening alert queue. */
const SUBJECTS_AREAS: Area[] = [
  { path: '/subjects', nav: 'nav.subjects', right: 'subject:read', element: <SubjectList /> },
  { path: '/subjects/:id', right: 'subject:read', element: <SubjectDetail /> },
  { path: '/documents/:id', right: 'subject:read', element: <DocumentViewer /> },
  { path: '/alerts', nav: 'nav.alerts', right: 'screening:run', element: <AlertQueue /> },
];

/** Applications (list, detail with four-eyes decisions and notes) and the user's own sessions. */
const APPLICATION_AREAS: Area[] = [
  { path: '/applications', nav: 'nav.applications', right: 'application:read', element: <Applications /> },
  { path: '/applications/:id', right: 'application:read', element: <ApplicationDetail /> },
];
const ACCOUNT_AREAS: Area[] = [
  { path: '/account/sessions', nav: 'nav.sessions', element: <Sessions /> },
  { path: '/account/passkeys', nav: 'nav.passkeys', element: <Passkeys /> },
];

export const AREAS: Area[] = [
  { path: '/', nav: 'nav.dashboard', element: <Dashboard /> },
  ...APPLICATION_AREAS,
  ...ADMIN_AREAS,
  ...SUBJECTS_AREAS,
  ...ACCOUNT_AREAS,
];
