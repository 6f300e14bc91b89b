/**
 * The client user's task list across their organisation's applications: requested items still
 * open, questionnaires not submitted, and meetings awaiting their answer, soonest due first.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../../ui/api.ts';
import { Alert, PageTitle } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { Due } from '../components/controls.tsx';
import type { ClientTasks } from '../types.ts';
import { problemText, useLoad } from '../use-load.ts';
import { useDocumentTypeName } from './ApplicationOverview.tsx';

export function Tasks() {
  const { t } = useTranslation('tasks');
  const typeName = useDocumentTypeName();
  const loaded = useLoad(() => api<ClientTasks>('/api/v1/tasks'), 'tasks');
  const d = loaded.data;
  const items = d?.requestItems.filter((i) => i.kind !== 'questionnaire') ?? [];
  const total = d ? items.length + d.questionnaires.length + d.meetings.length : 0;
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      {loaded.error ? <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert> : null}
      {!d ? (
        loaded.error ? null : (
          <p role="status">{t('common:loading')}</p>
        )
      ) : total === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <>
          <p>{t('count', { count: total, n: formatNumber(total) })}</p>
          {d.questionnaires.length ? (
            <section aria-labelledby="tq" className="portal-section">
              <h2 id="tq">{t('questionnaires')}</h2>
              <ul className="portal-items">
                {d.questionnaires.map((q) => (
                  <li key={q.assignmentId}>
                    <Link to={`/applications/${q.applicationId}/questionnaires/${q.assignmentId}`}>
                      {q.title}
                    </Link>
                    <div className="portal-meta">
                      <span>{t('application', { reference: q.applicationReference })}</span>
                      {q.subject ? <span>{t('about', { name: q.subject.displayName })}</span> : null}
                      <Due at={q.dueAt} overdue={q.overdue} />
                    </div>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {items.length ? (
            <section aria-labelledby="ti" className="portal-section">
              <h2 id="ti">{t('requested')}</h2>
              <ul className="portal-items">
                {items.map((i) => (
                  <li key={i.itemId}>
                    <Link to={`/applications/${i.applicationId}#request-${i.requestId}`}>
                      {i.kind === 'document'
                        ? t('document', { type: typeName(i.documentType), who: i.subject?.displayName ?? '' })
                        : t('fields', {
                            fields: (i.fields ?? []).map((f) => t(`requests:fields.${f}`)).join(', '),
                            who: i.subject?.displayName ?? '',
                          })}
                    </Link>
                    <div className="portal-meta">
                      <span>{t('application', { reference: i.applicationReference })}</span>
                      <span>{i.requestTitle}</span>
                      <Due at={i.dueAt} overdue={i.overdue} />
                    </div>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {d.meetings.length ? (
            <section aria-labelledby="tm" className="portal-section">
              <h2 id="tm">{t('meetings')}</h2>
              <ul className="portal-items">
                {d.meetings.map((m) => (
                  <li key={m.meetingId}>
                    <Link to={`/applications/${m.applicationId}#meetings-h`}>
                      {t('meeting', {
                        mode: t(`meetings:mode.${m.mode}`),
                        when: formatDate(m.startsAt, true),
                      })}
                    </Link>
                    <div className="portal-meta">
                      <span>{t('application', { reference: m.applicationReference })}</span>
                    </div>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
