/**
 * The back office's shell: the session, the navigation (only what the user's rights allow), the
 * routes. Each area registers its routes and its navigation entry in `areas.tsx`.
 */
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { Alert, Button } from '../../ui/components.tsx';
import { AREAS } from './areas.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { SessionProvider, useSession } from './session.tsx';

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const { current, loading, signOut, can } = useSession();
  const location = useLocation();
  if (loading) return <p role="status">{t('loading')}</p>;
  if (!current) {
    if (location.pathname !== '/sign-in') return <Navigate to="/sign-in" replace />;
    return (
      <Routes>
        <Route path="/sign-in" element={<SignIn />} />
      </Routes>
    );
  }
  const areas = AREAS.filter((a) => !a.right || can(a.right));
  const trusted = sessionStorage.getItem('dossier.trustedSkip') === '1';
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <strong>{t('appName')}</strong>
        <span>
          {t('signedInAs', { name: current.user.displayName })}{' '}
          <Button kind="secondary" onClick={() => void signOut()}>
            {t('signOut')}
          </Button>
        </span>
      </header>
      <div className="layout">
        <nav aria-label={t('nav.label')}>
          <ul>
            {areas
              .filter((a) => a.nav)
              .map((a) => (
                <li key={a.path}>
                  <NavLink to={a.path} end={a.path === '/'}>
                    {t(a.nav!)}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <main id="main">
          {trusted ? <Alert kind="info">{t('trustedNetwork')}</Alert> : null}
          <Routes>
            {areas.map((a) => (
              <Route key={a.path} path={a.routePath ?? a.path} element={a.element} />
            ))}
            <Route path="/sign-in" element={<Navigate to="/" replace />} />
            <Route path="*" element={<p>{t('notFound')}</p>} />
          </Routes>
        </main>
      </div>
    </>
  );
}
