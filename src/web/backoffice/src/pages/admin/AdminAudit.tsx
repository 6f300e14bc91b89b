/**
 * The audit trail (right `audit:read`): search by event type, actor, target and time range, newest
 * first, page by page; verify the hash chain; and (right `audit:export`) export the events matching
 * the search as the API's export document, saved as a JSON file. Every export is audited by the
 * API and may ask for the second factor again. The filters live in the address, so a search can be
 * linked to (the users page links to a user's own events). Actors and targets show under their
 * names of today (people, API keys, roles, client organisations), looked up by the API when read.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../../ui/i18n.ts';
import { useSession } from '../../session.tsx';
import { fieldError, ProblemAlert, useAction } from './admin-ui.tsx';

interface AuditEvent {
  seq: string;
  id: string;
  occurredAt: string;
  type: string;
  actor: string;
  actorName: string | null;
  requestId: string | null;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  payload: Record<string, unknown>;
  hash: string;
}

interface Verification {
  ok: boolean;
  checked: number;
  headSeq: string;
  headHash: string;
  firstBad: { seq: string; reason: string } | null;
}

const FILTERS = ['type', 'actor', 'targetType', 'targetId', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** `<input type="datetime-local">` (local time) to an instant, and back. */
const toInstant = (local: string) => (local ? new Date(local).toISOString() : '');

/** The API's filters from the form's (empty ones left out, local times as instants). */
function apiFilters(f: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = f[k].trim();
    if (v) out[k] = k === 'from' || k === 'to' ? toInstant(v) : v;
  }
  return out;
}

export function AdminAudit() {
  const { t } = useTranslation('admin');
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const fromParams = useCallback(
    (): Filters => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Filters,
    [params],
  );
  const [form, setForm] = useState<Filters>(fromParams);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const search = useAction();
  const verify = useAction();
  const exporter = useAction();
  const [verification, setVerification] = useState<Verification | null>(null);
  const [exported, setExported] = useState<string | null>(null);

  const load = useCallback(
    async (afterSeq: string | null) => {
      const qs = new URLSearchParams({ ...apiFilters(fromParams()), limit: '50' });
      if (afterSeq) qs.set('afterSeq', afterSeq);
      const page = await search.run('search', () =>
        api<{ items: AuditEvent[]; nextCursor: string | null }>(`/api/v1/audit-events?${qs}`),
      );
      if (!page) return;
      setEvents((prev) => (afterSeq && prev ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor);
    },
    [fromParams, search.run],
  );
  useEffect(() => {
    setForm(fromParams());
    void load(null);
  }, [fromParams, load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const k of FILTERS) if (form[k].trim()) p.set(k, form[k].trim());
    setParams(p);
  };
  const clear = () => setParams(new URLSearchParams());

  const runVerify = async () => {
    setVerification(null);
    const r = await verify.run('verify', () => api<Verification>('/api/v1/audit-verification'));
    if (r) setVerification(r);
  };

  const runExport = async () => {
    setExported(null);
    const doc = await exporter.run('export', () =>
      api<{ count: number; exportedAt: string }>('/api/v1/audit-exports', {
        method: 'POST',
        body: apiFilters(fromParams()),
      }),
    );
    if (!doc) return;
    // Saved exactly as the API gave it, as a file the recipient can re-check.
    const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `dossier-audit-${doc.exportedAt.replace(/[:.]/g, '-')}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setExported(t('audit.exported', { count: doc.count, n: formatNumber(doc.count) }));
  };

  const set = (k: keyof Filters) => (v: string) => setForm({ ...form, [k]: v });
  const filterError = (k: string) => fieldError(search.error, k) ?? fieldError(exporter.error, k);

  return (
    <>
      <PageTitle>{t('audit.title')}</PageTitle>
      <p>{t('audit.intro')}</p>
      <section aria-labelledby="audit-search">
        <h2 id="audit-search">{t('audit.searchTitle')}</h2>
        <form
          onSubmit={submit}
          noValidate
          className="admin-filter-grid"
          role="search"
          aria-label={t('audit.searchTitle')}
        >
          <Field
            label={t('audit.type')}
            name="type"
            value={form.type}
            onChange={set('type')}
            hint={t('audit.typeHint')}
            error={filterError('type')}
          />
          <Field
            label={t('audit.actor')}
            name="actor"
            value={form.actor}
            onChange={set('actor')}
            hint={t('audit.actorHint')}
            error={filterError('actor')}
          />
          <Field
            label={t('audit.targetType')}
            name="targetType"
            value={form.targetType}
            onChange={set('targetType')}
            hint={t('audit.targetTypeHint')}
            error={filterError('targetType')}
          />
          <Field
            label={t('audit.targetId')}
            name="targetId"
            value={form.targetId}
            onChange={set('targetId')}
            error={filterError('targetId')}
          />
          <Field
            label={t('audit.from')}
            name="from"
            type="datetime-local"
            value={form.from}
            onChange={set('from')}
            error={filterError('from')}
          />
          <Field
            label={t('audit.to')}
            name="to"
            type="datetime-local"
            value={form.to}
            onChange={set('to')}
            error={filterError('to')}
          />
          <div className="admin-actions">
            <Button type="submit">{t('audit.search')}</Button>
            <Button kind="secondary" onClick={clear}>
              {t('audit.clear')}
            </Button>
          </div>
        </form>
      </section>

      <section aria-labelledby="audit-tools" className="admin-actions-row">
        <h2 id="audit-tools" className="admin-sr-only">
          {t('audit.tools')}
        </h2>
        <Button kind="secondary" busy={verify.busy === 'verify'} onClick={() => void runVerify()}>
          {t('audit.verify')}
        </Button>
        {can('audit:export') ? (
          <Button kind="secondary" busy={exporter.busy === 'export'} onClick={() => void runExport()}>
            {t('audit.export')}
          </Button>
        ) : null}
      </section>
      <ProblemAlert error={verify.error} />
      <ProblemAlert error={exporter.error} />
      {verification ? (
        verification.ok ? (
          <Alert kind="success">
            {t('audit.verifiedOk', {
              count: verification.checked,
              n: formatNumber(verification.checked),
              seq: verification.headSeq,
            })}
          </Alert>
        ) : (
          <Alert kind="error">
            {t('audit.verifiedBad', {
              seq: verification.firstBad?.seq ?? '',
              reason: verification.firstBad?.reason ?? '',
            })}
          </Alert>
        )
      ) : null}
      {exported ? <Alert kind="success">{exported}</Alert> : null}

      <section aria-labelledby="audit-results">
        <h2 id="audit-results">{t('audit.resultsTitle')}</h2>
        <ProblemAlert error={search.error} />
        {events === null ? (
          <p role="status">{t('common.loading')}</p>
        ) : events.length === 0 ? (
          <p>{t('audit.none')}</p>
        ) : (
          <div className="table-wrap">
            <table className="admin-audit-table">
              <caption className="admin-sr-only">{t('audit.resultsTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.when')}</th>
                  <th scope="col">{t('audit.type')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.target')}</th>
                  <th scope="col">{t('audit.details')}</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.seq}>
                    <td>
                      {formatDate(e.occurredAt, true)}
                      <span className="admin-check-desc">#{e.seq}</span>
                    </td>
                    <th scope="row">
                      <code>{e.type}</code>
                    </th>
                    <td>
                      {e.actorName !== null && !e.actor.startsWith('system:') ? (
                        <Link
                          to={`?${new URLSearchParams({ actor: e.actor })}`}
                          title={t('audit.eventsBy', { name: e.actorName })}
                        >
                          {e.actorName}
                        </Link>
                      ) : null}
                      <code className="admin-wrap admin-check-desc">{e.actor}</code>
                    </td>
                    <td>
                      {e.targetType ? (
                        <>
                          {e.targetType}
                          {e.targetName !== null ? (
                            <span className="admin-audit-name">{e.targetName}</span>
                          ) : null}
                          <code className="admin-wrap admin-check-desc">{e.targetId}</code>
                        </>
                      ) : (
                        t('common.none')
                      )}
                    </td>
                    <td>
                      <details>
                        <summary>{t('audit.payload')}</summary>
                        <pre className="admin-pre">{JSON.stringify(e.payload, null, 2)}</pre>
                        <p className="hint">
                          {t('audit.request', { id: e.requestId ?? '—' })}
                          <br />
                          <span className="admin-wrap">{t('audit.hash', { hash: e.hash })}</span>
                        </p>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {next ? (
          <Button kind="secondary" busy={search.busy === 'search'} onClick={() => void load(next)}>
            {t('audit.older')}
          </Button>
        ) : null}
      </section>
    </>
  );
}
