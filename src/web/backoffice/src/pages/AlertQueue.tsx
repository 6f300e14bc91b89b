/**
 * The screening alert queue: the open alerts of the subjects the user sees, highest score first
 * (GET /screening/alerts), each with how the subject's name matched the list entry, token by token,
 * and the other factors; for `screening:resolve`, a decision (true match or false positive) with a
 * reason, after which the alert leaves the queue.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, errorFor, PageTitle } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { useSession } from '../session.tsx';

export interface AlertView {
  id: string;
  subjectId: string;
  list: string;
  entityId: string;
  matchedName: string;
  score: number;
  status: 'open' | 'true_match' | 'false_positive';
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  version: number;
  createdAt: string;
}

interface QueueItem extends AlertView {
  subject: { id: string; kind: string; displayName: string };
  nameScore: number | null;
  nameKind: string | null;
  explanation: {
    tokens: { query: string; matched: string | null; how: string; weight: number; score: number }[];
    qualifiers: { qualifier: string; effect: number; detail: string }[];
  } | null;
}

const score = (n: number) => formatNumber(n, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function AlertQueue() {
  const { t } = useTranslation('screening');
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(
    async (cursor: string | null) => {
      try {
        const page = await api<{ items: QueueItem[]; nextCursor: string | null }>(
          `/api/v1/screening/alerts?limit=25${cursor ? `&cursor=${cursor}` : ''}`,
        );
        setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch {
        setError(t('unavailable'));
      }
    },
    [t],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <>
      <PageTitle>{t('queue.title')}</PageTitle>
      <p>{t('queue.intro')}</p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {done ? <Alert kind="success">{done}</Alert> : null}
      {items === null && !error ? <p role="status">{t('queue.title')}…</p> : null}
      {items && items.length === 0 ? <p>{t('queue.empty')}</p> : null}
      <ol className="alerts-queue">
        {(items ?? []).map((a) => (
          <li key={a.id}>
            <AlertCard
              alert={a}
              onResolved={(decided) => {
                setItems((prev) => (prev ?? []).filter((x) => x.id !== a.id));
                setDone(
                  t('resolve.done', {
                    name: a.subject.displayName,
                    decision: t(`resolve.${decided.status}`),
                  }),
                );
              }}
            />
          </li>
        ))}
      </ol>
      {next ? (
        <Button kind="secondary" onClick={() => void load(next)}>
          {t('queue.more')}
        </Button>
      ) : null}
    </>
  );
}

function AlertCard(props: { alert: QueueItem; onResolved: (a: AlertView) => void }) {
  const { t } = useTranslation('screening');
  const { can } = useSession();
  const [resolving, setResolving] = useState(false);
  const a = props.alert;
  const headingId = useId();
  return (
    <article className="alerts-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <Link to={`/subjects/${a.subject.id}`}>{a.subject.displayName}</Link>
        <span className="alerts-score">
          {t('queue.score')} {score(a.score)}
        </span>
      </h2>
      <dl className="alerts-facts">
        <dt>{t('queue.matched')}</dt>
        <dd>{a.matchedName}</dd>
        <dt>{t('queue.list')}</dt>
        <dd>
          {a.list} ({a.entityId})
        </dd>
        {a.nameScore !== null ? (
          <>
            <dt>{t('queue.nameScore')}</dt>
            <dd>{score(a.nameScore)}</dd>
          </>
        ) : null}
        <dt>{t('queue.raised')}</dt>
        <dd>{formatDate(a.createdAt, true)}</dd>
      </dl>
      <AlertExplanation alert={a} />
      {can('screening:resolve') ? (
        resolving ? (
          <AlertResolveForm alert={a} onCancel={() => setResolving(false)} onResolved={props.onResolved} />
        ) : (
          <Button kind="secondary" onClick={() => setResolving(true)}>
            {t('resolve.open')}
          </Button>
        )
      ) : null}
    </article>
  );
}

function AlertExplanation(props: { alert: QueueItem }) {
  const { t } = useTranslation('screening');
  const e = props.alert.explanation;
  if (!e) return <p className="hint">{t('queue.noExplanation')}</p>;
  const none = t('queue.none');
  return (
    <>
      <div className="table-wrap">
        <table className="alerts-tokens">
          <caption>{t('queue.explanation')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('queue.token')}</th>
              <th scope="col">{t('queue.listToken')}</th>
              <th scope="col">{t('queue.how')}</th>
              <th scope="col">{t('queue.tokenScore')}</th>
              <th scope="col">{t('queue.weight')}</th>
            </tr>
          </thead>
          <tbody>
            {e.tokens.map((tk, i) => (
              <tr key={`${tk.query}-${i}`}>
                <th scope="row">{tk.query || none}</th>
                <td>{tk.matched ?? none}</td>
                <td>{t(`how.${tk.how}`, { defaultValue: tk.how })}</td>
                <td>{formatNumber(tk.score, { style: 'percent', maximumFractionDigits: 0 })}</td>
                <td>{formatNumber(tk.weight, { maximumFractionDigits: 2 })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {e.qualifiers.length > 0 ? (
        <div className="table-wrap">
          <table className="alerts-tokens">
            <caption>{t('queue.qualifiers')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('queue.qualifier')}</th>
                <th scope="col">{t('queue.effect')}</th>
                <th scope="col">{t('queue.qualifierDetail')}</th>
              </tr>
            </thead>
            <tbody>
              {e.qualifiers.map((q, i) => (
                <tr key={`${q.qualifier}-${i}`}>
                  <th scope="row">{t(`qualifier.${q.qualifier}`, { defaultValue: q.qualifier })}</th>
                  <td>{formatNumber(q.effect, { signDisplay: 'always', maximumFractionDigits: 2 })}</td>
                  <td>{q.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

/** A decision on one open alert, with its reason (POST /screening/alerts/:id/decision). */
export function AlertResolveForm(props: {
  alert: AlertView;
  onCancel: () => void;
  onResolved: (a: AlertView) => void;
}) {
  const { t } = useTranslation('screening');
  const ids = useId();
  const [decision, setDecision] = useState<'true_match' | 'false_positive' | ''>('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems = [
      ...(decision ? [] : [{ path: '/decision', message: t('resolve.noDecision') }]),
      ...(reason.trim() ? [] : [{ path: '/reason', message: t('resolve.noReason') }]),
    ];
    if (problems.length) return setError(new ApiError(400, { errors: problems }));
    setError(null);
    setBusy(true);
    try {
      props.onResolved(
        await api<AlertView>(`/api/v1/screening/alerts/${props.alert.id}/decision`, {
          method: 'POST',
          body: { decision, reason: reason.trim(), version: props.alert.version },
        }),
      );
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('unavailable') }));
      setBusy(false);
    }
  };
  const errs = error?.errors ?? [];
  const decisionError = errorFor(errs, '/decision');
  const reasonError = errorFor(errs, '/reason');
  return (
    <form onSubmit={submit} noValidate className="alerts-resolve">
      {error && !decisionError && !reasonError ? <Alert kind="error">{error.message}</Alert> : null}
      <fieldset className="field" aria-describedby={decisionError ? `${ids}-d-err` : undefined}>
        <legend>{t('resolve.legend')}</legend>
        {(['false_positive', 'true_match'] as const).map((d) => (
          <label key={d}>
            <input
              type="radio"
              name={`${ids}-decision`}
              value={d}
              checked={decision === d}
              onChange={() => setDecision(d)}
            />{' '}
            {t(`resolve.${d}`)}
          </label>
        ))}
        {decisionError ? (
          <p className="field-error" id={`${ids}-d-err`}>
            {decisionError}
          </p>
        ) : null}
      </fieldset>
      <div className="field">
        <label htmlFor={`${ids}-reason`}>{t('resolve.reason')}</label>
        <p className="hint" id={`${ids}-reason-hint`}>
          {t('resolve.reasonHint')}
        </p>
        <textarea
          id={`${ids}-reason`}
          value={reason}
          rows={3}
          maxLength={2000}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={[`${ids}-reason-hint`, reasonError ? `${ids}-r-err` : '']
            .filter(Boolean)
            .join(' ')}
        />
        {reasonError ? (
          <p className="field-error" id={`${ids}-r-err`}>
            {reasonError}
          </p>
        ) : null}
      </div>
      <div className="alerts-actions">
        <Button type="submit" busy={busy}>
          {t('resolve.submit')}
        </Button>
        <Button kind="secondary" onClick={props.onCancel}>
          {t('resolve.cancel')}
        </Button>
      </div>
    </form>
  );
}
