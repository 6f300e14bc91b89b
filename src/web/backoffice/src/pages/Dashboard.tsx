/**
 * The home dashboard: applications by status and open ones by risk, four-eyes decisions waiting,
 * open screening alerts, requests to clients and documents falling due (GET /api/v1/dashboard,
 * counted within the user's programmes). Each bar links into the list it counts where the back
 * office has that list.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert, PageTitle } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { AREAS } from '../areas.tsx';
import { useSession } from '../session.tsx';
import { BarChart, type Bar } from './BarChart.tsx';
import { useDashboard } from './applications-data.ts';

/** The path if the back office has an area there the user may open (areas of other pages may come and go). */
function listAt(path: string, can: (right: string) => boolean): string | null {
  const bare = path.split('?')[0];
  const area = AREAS.find((a) => a.path === bare);
  return area && (!area.right || can(area.right)) ? path : null;
}

export function Dashboard() {
  const { t } = useTranslation('dashboard');
  const { can } = useSession();
  const { data, error } = useDashboard();

  if (error)
    return (
      <>
        <PageTitle>{t('title')}</PageTitle>
        <Alert kind="error">{error}</Alert>
      </>
    );
  if (!data)
    return (
      <>
        <PageTitle>{t('title')}</PageTitle>
        <p role="status">{t('loading')}</p>
      </>
    );

  const apps = listAt('/applications', can);
  const statusBars: Bar[] = data.applications.byStatus.map((s) => ({
    key: s.status,
    label: s.label,
    value: s.count,
    to: apps ? `/applications?status=${encodeURIComponent(s.status)}` : null,
  }));
  const riskBars: Bar[] = data.applications.openByRisk.map((r) => {
    const key = r.riskLevel ?? 'unknown';
    return {
      key,
      label: t(`risk.${key}`),
      value: r.count,
      to: apps ? `/applications?risk=${key}&open=1` : null,
      tone: key === 'high' || key === 'unknown' ? 'warn' : 'normal',
    };
  });
  const alertsList = listAt('/screening/alerts', can) ?? listAt('/alerts', can);
  const requestsList = listAt('/requests', can);
  const documentsList = listAt('/documents', can);

  return (
    <div className="dash-page">
      <PageTitle>{t('title')}</PageTitle>
      <p className="hint">{t('asOf', { when: formatDate(data.generatedAt, true) })}</p>
      <ul className="dash-tiles" aria-label={t('summary')}>
        <li className="dash-tile">
          <span className="dash-tile-value">{formatNumber(data.applications.total)}</span>
          <span className="dash-tile-label">
            {apps ? <Link to="/applications">{t('tiles.applications')}</Link> : t('tiles.applications')}
          </span>
        </li>
        <li className="dash-tile">
          <span className="dash-tile-value">{formatNumber(data.applications.decisionsAwaiting)}</span>
          <span className="dash-tile-label">{t('tiles.decisions')}</span>
        </li>
        {data.screening ? (
          <li className="dash-tile">
            <span className="dash-tile-value">{formatNumber(data.screening.openAlerts)}</span>
            <span className="dash-tile-label">
              {alertsList ? <Link to={alertsList}>{t('tiles.alerts')}</Link> : t('tiles.alerts')}
            </span>
          </li>
        ) : null}
        <li className="dash-tile">
          <span className="dash-tile-value">{formatNumber(data.requests.overdue)}</span>
          <span className="dash-tile-label">
            {requestsList ? <Link to={requestsList}>{t('tiles.overdue')}</Link> : t('tiles.overdue')}
          </span>
        </li>
      </ul>
      <div className="dash-grid">
        <BarChart title={t('charts.byStatus')} bars={statusBars} empty={t('none')} />
        <BarChart title={t('charts.byRisk')} bars={riskBars} empty={t('none')} />
        {data.screening ? (
          <BarChart
            title={t('charts.alerts', { subjects: data.screening.subjectsWithOpenAlerts })}
            empty={t('noAlerts')}
            bars={data.screening.byList.map((l) => ({
              key: l.list,
              label: l.list,
              value: l.count,
              to: alertsList,
              tone: 'warn',
            }))}
          />
        ) : null}
        <BarChart
          title={t('charts.requests')}
          empty={t('none')}
          bars={[
            {
              key: 'overdue',
              label: t('due.overdue'),
              value: data.requests.overdue,
              to: requestsList,
              tone: 'warn',
            },
            { key: 'week', label: t('due.week'), value: data.requests.dueWithin7Days, to: requestsList },
            { key: 'later', label: t('due.later'), value: data.requests.dueLater, to: requestsList },
          ]}
        />
        {data.documents ? (
          <BarChart
            title={t('charts.documents')}
            empty={t('none')}
            bars={[
              {
                key: 'expired',
                label: t('expiry.expired'),
                value: data.documents.expired,
                to: documentsList,
                tone: 'warn',
              },
              {
                key: '30',
                label: t('expiry.30'),
                value: data.documents.expiringWithin30Days,
                to: documentsList,
              },
              {
                key: '90',
                label: t('expiry.90'),
                value: data.documents.expiringWithin90Days,
                to: documentsList,
              },
            ]}
          />
        ) : null}
      </div>
    </div>
  );
}
