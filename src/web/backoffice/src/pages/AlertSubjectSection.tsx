/**
 * A subject's screening: its alerts, open and decided, newest first (GET /subjects/:id/alerts), its
 * runs (GET /subjects/:id/screenings), a "screen now" action (a new run with the programme's
 * profile), and the decision form on open alerts for `screening:resolve`.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { useSession } from '../session.tsx';
import { AlertResolveForm, type AlertView } from './AlertQueue.tsx';

interface RunView {
  id: string;
  createdAt: string;
  threshold: number | null;
  lists: string[];
  hitCount: number;
}

export function AlertSubjectSection(props: { subjectId: string }) {
  const { t } = useTranslation('screening');
  const { can } = useSession();
  const [items, setItems] = useState<AlertView[] | null>(null);
  const [runs, setRuns] = useState<RunView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [resolving, setResolving] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [alerts, history] = await Promise.all([
        api<{ items: AlertView[] }>(`/api/v1/subjects/${props.subjectId}/alerts`),
        api<{ items: RunView[] }>(`/api/v1/subjects/${props.subjectId}/screenings`),
      ]);
      setItems(alerts.items);
      setRuns(history.items);
    } catch {
      setError(t('unavailable'));
    }
  }, [props.subjectId, t]);
  useEffect(() => {
    void load();
  }, [load]);

  const screen = async () => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const run = await api<{ alerts: { raised: number; suppressed: number } | null }>(
        `/api/v1/subjects/${props.subjectId}/screenings`,
        { method: 'POST' },
      );
      setNote(
        t('subject.screened', {
          raised: formatNumber(run.alerts?.raised ?? 0),
          suppressed: formatNumber(run.alerts?.suppressed ?? 0),
        }),
      );
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('unavailable'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {note ? <Alert kind="info">{note}</Alert> : null}
      <p>
        <Button kind="secondary" busy={busy} onClick={() => void screen()}>
          {t('subject.screen')}
        </Button>
      </p>
      {items && items.length === 0 ? <p>{t('subject.noAlerts')}</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="subjects-caption">{t('subject.alerts')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('queue.matched')}</th>
                <th scope="col">{t('queue.list')}</th>
                <th scope="col">{t('queue.score')}</th>
                <th scope="col">{t('subject.status')}</th>
                <th scope="col">{t('queue.raised')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <th scope="row">{a.matchedName}</th>
                  <td>{a.list}</td>
                  <td>{formatNumber(a.score, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}</td>
                  <td>
                    {t(`subject.statuses.${a.status}`)}
                    {a.reason ? `: ${a.reason}` : null}
                    {a.status === 'open' && can('screening:resolve') ? (
                      resolving === a.id ? (
                        <AlertResolveForm
                          alert={a}
                          onCancel={() => setResolving(null)}
                          onResolved={() => {
                            setResolving(null);
                            void load();
                          }}
                        />
                      ) : (
                        <>
                          {' '}
                          <Button kind="secondary" onClick={() => setResolving(a.id)}>
                            {t('resolve.open')}
                          </Button>
                        </>
                      )
                    ) : null}
                  </td>
                  <td>{formatDate(a.createdAt, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {runs && runs.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="subjects-caption">{t('subject.runs')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('subject.runAt')}</th>
                <th scope="col">{t('subject.runLists')}</th>
                <th scope="col">{t('subject.runThreshold')}</th>
                <th scope="col">{t('subject.runHits')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{formatDate(r.createdAt, true)}</th>
                  <td>{r.lists.join(', ')}</td>
                  <td>
                    {r.threshold === null
                      ? ''
                      : formatNumber(r.threshold, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}
                  </td>
                  <td>{formatNumber(r.hitCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : runs ? (
        <p>{t('subject.noRuns')}</p>
      ) : null}
    </>
  );
}
