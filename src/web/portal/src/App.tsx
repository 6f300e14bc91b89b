/** The portal's shell: session, navigation, routes (each area in `areas.tsx`). */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { Button } from '../../ui/components.tsx';
import { AREAS } from './areas.tsx';
import { AfterInvitation, Invitation } from './pages/Invitation.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { SessionProvider, useSession } from './session.tsx';

/** Pages reachable without a session (sign-in, the invitation link). */
export const PUBLIC_ROUTES: { path: string; element: ReactNode }[] = [
  { path: '/sign-in', element: <SignIn /> },
  { path: '/invitation', element: <Invitation /> },
];

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const { me, loading, signOut } = useSession();
  const location = useLocation();
  if (loading) return <p role="status">{t('loading')}</p>;
  if (!me) {
    if (!PUBLIC_ROUTES.some((r) => r.path === location.pathname)) return <Navigate to="/sign-in" replace />;
    return (
      <Routes>
        {PUBLIC_ROUTES.map((r) => (
          <Route key={r.path} path={r.path} element={r.element} />
        ))}
      </Routes>
    );
  }
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <strong>{t('appName')}</strong>
        <span>
          {t('signedInAs', { name: me.displayName, organisation: me.organisation.name })}{' '}
          <Button kind="secondary" onClick={() => void signOut()}>
            {t('signOut')}
          </Button>
        </span>
      </header>
      <div className="layout">
        <nav aria-label={t('nav.label')}>
          <ul>
            {AREAS.filter((a) => a.nav).map((a) => (
              <li key={a.path}>
                <NavLink to={a.path} end={a.path === '/'}>
                  {t(a.nav!)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main">
          <Routes>
            {AREAS.map((a) => (
              <Route key={a.path} path={a.routePath ?? a.path} element={a.element} />
            ))}
            <Route path="/sign-in" element={<Navigate to="/" replace />} />
            <Route path="/invitation" element={<AfterInvitation />} />
            <Route path="*" element={<p>{t('notFound')}</p>} />
          </Routes>
        </main>
      </div>
    </>
  );
}
