/**
 * The frame of every page of one application: its heading, reference and status, and the
 * application's own navigation (overview, documents, related parties, messages).
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { api } from '../../../ui/api.ts';
import { Alert, PageTitle } from '../../../ui/components.tsx';
import { humanise } from '../format.ts';
import type { ClientApplication } from '../types.ts';
import { problemText, useLoad } from '../use-load.ts';

export function ApplicationFrame(props: {
  id: string;
  /** The page's heading, given the application. */
  title: (app: ClientApplication) => string;
  children: (app: ClientApplication) => ReactNode;
}) {
  const { t } = useTranslation('application');
  const loaded = useLoad(() => api<ClientApplication>(`/api/v1/applications/${props.id}`), props.id);
  if (loaded.error)
    return (
      <>
        <PageTitle>{t('titleUnknown')}</PageTitle>
        <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert>
      </>
    );
  const app = loaded.data;
  if (!app) return <p role="status">{t('common:loading')}</p>;
  const base = `/applications/${app.id}`;
  return (
    <>
      <PageTitle>{props.title(app)}</PageTitle>
      <p className="portal-meta">
        <span>{t('reference', { reference: app.reference })}</span>
        <span>{app.programme}</span>
        <span>
          {t('status', { status: t(`statuses.${app.status}`, { defaultValue: humanise(app.status) }) })}
        </span>
      </p>
      <nav className="portal-subnav" aria-label={t('navLabel')}>
        <ul>
          <li>
            <NavLink to={base} end>
              {t('nav.overview')}
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/documents`}>{t('nav.documents')}</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/parties`}>{t('nav.parties')}</NavLink>
          </li>
          <li>
            <NavLink to={`${base}/messages`}>{t('nav.messages')}</NavLink>
          </li>
        </ul>
      </nav>
      {props.children(app)}
    </>
  );
}
