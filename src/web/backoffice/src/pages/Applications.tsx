/**
 * The application list: filters (programme, status, assignee, risk level, open only; all run on the
 * server, so paging stays exact), kept in the URL so that links from the dashboard and saved views
 * are plain addresses. Saved views are stored per user in this browser's localStorage (they hold
 * only filter values, nothing from the server).
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { useSession } from '../session.tsx';
import { SelectField } from './Controls.tsx';
import { statusLabel, useDashboard, type ApplicationSummary, type Page } from './applications-data.ts';

const FILTERS = ['status', 'programmeId', 'assigneeId', 'risk', 'open'] as const;
const RISKS = ['low', 'medium', 'high', 'unknown'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

interface SavedView {
  name: string;
  query: string;
}

const viewsKey = (userId: string) => `dossier.applications.views.${userId}`;

function loadViews(userId: string): SavedView[] {
  try {
    const raw = JSON.parse(localStorage.getItem(viewsKey(userId)) ?? '[]') as unknown;
    return Array.isArray(raw)
      ? raw.filter(
          (v): v is SavedView =>
            typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.query === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

export function Applications() {
  const { t } = useTranslation('applications');
  const { current } = useSession();
  const userId = current!.user.id;
  const [params, setParams] = useSearchParams();
  const filters: Filters = useMemo(() => {
    const f: Filters = {};
    for (const k of FILTERS) {
      const v = params.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [params]);
  const { data: dash } = useDashboard();
  const [rows, setRows] = useState<ApplicationSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [views, setViews] = useState<SavedView[]>(() => loadViews(userId));
  const [viewName, setViewName] = useState('');
  const [saved, setSaved] = useState<string | null>(null);

  const serverQuery = useMemo(() => {
    const q = new URLSearchParams({ limit: '100' });
    if (filters.status) q.set('status', filters.status);
    if (filters.programmeId) q.set('programmeId', filters.programmeId);
    if (filters.assigneeId) q.set('assigneeId', filters.assigneeId);
    // A hand-edited address with a level the API does not know is ignored rather than refused.
    if (RISKS.some((r) => r === filters.risk)) q.set('riskLevel', filters.risk!);
    if (filters.open === '1') q.set('open', 'true');
    return q;
  }, [filters.status, filters.programmeId, filters.assigneeId, filters.risk, filters.open]);

  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const q = new URLSearchParams(serverQuery);
        if (cursor) q.set('cursor', cursor);
        const page = await api<Page<ApplicationSummary>>(`/api/v1/applications?${q.toString()}`);
        setRows((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch (err) {
        setError(err instanceof ApiError ? err.message : String(err));
      } finally {
        setLoading(false);
      }
    },
    [serverQuery],
  );
  useEffect(() => {
    setRows(null);
    void load(null);
  }, [load]);

  const setFilter = (k: keyof Filters, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    if (k === 'programmeId') p.delete('status');
    setParams(p);
  };

  const shown = rows ?? [];

  const programmes = dash?.programmes ?? [];
  const statusOptions = useMemo(() => {
    const list = filters.programmeId
      ? (programmes.find((p) => p.id === filters.programmeId)?.statuses ?? [])
      : (dash?.applications.byStatus.map((s) => ({ key: s.status, label: s.label })) ?? []);
    return [{ value: '', label: t('filters.any') }, ...list.map((s) => ({ value: s.key, label: s.label }))];
  }, [dash, programmes, filters.programmeId, t]);
  const assigneeOptions = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of rows ?? []) if (r.assignee) seen.set(r.assignee.id, r.assignee.displayName);
    seen.delete(userId);
    if (filters.assigneeId && filters.assigneeId !== userId && !seen.has(filters.assigneeId))
      seen.set(filters.assigneeId, filters.assigneeId);
    return [
      { value: '', label: t('filters.anyone') },
      { value: userId, label: t('filters.me') },
      ...[...seen].map(([value, label]) => ({ value, label })),
    ];
  }, [rows, userId, filters.assigneeId, t]);

  const saveView = (e: FormEvent) => {
    e.preventDefault();
    const name = viewName.trim();
    if (!name) return;
    const next = [...views.filter((v) => v.name !== name), { name, query: params.toString() }];
    localStorage.setItem(viewsKey(userId), JSON.stringify(next));
    setViews(next);
    setViewName('');
    setSaved(t('views.saved', { name }));
  };
  const removeView = (name: string) => {
    const next = views.filter((v) => v.name !== name);
    localStorage.setItem(viewsKey(userId), JSON.stringify(next));
    setViews(next);
    setSaved(t('views.removed', { name }));
  };

  const filtered = FILTERS.some((k) => filters[k]);
  return (
    <div className="apps-page">
      <PageTitle>{t('title')}</PageTitle>
      <section aria-labelledby="apps-filters" className="apps-filters">
        <h2 id="apps-filters">{t('filters.title')}</h2>
        <div className="apps-filter-row">
          <SelectField
            label={t('filters.programme')}
            name="programmeId"
            value={filters.programmeId ?? ''}
            onChange={(v) => setFilter('programmeId', v)}
            options={[
              { value: '', label: t('filters.any') },
              ...programmes.map((p) => ({ value: p.id, label: p.name })),
            ]}
          />
          <SelectField
            label={t('filters.status')}
            name="status"
            value={filters.status ?? ''}
            onChange={(v) => setFilter('status', v)}
            options={statusOptions}
          />
          <SelectField
            label={t('filters.assignee')}
            name="assigneeId"
            value={filters.assigneeId ?? ''}
            onChange={(v) => setFilter('assigneeId', v)}
            options={assigneeOptions}
          />
          <SelectField
            label={t('filters.risk')}
            name="risk"
            value={filters.risk ?? ''}
            onChange={(v) => setFilter('risk', v)}
            options={[
              { value: '', label: t('filters.any') },
              ...RISKS.map((r) => ({
                value: r,
                label: t(`risk.${r}`),
              })),
            ]}
          />
          <SelectField
            label={t('filters.open')}
            name="open"
            value={filters.open ?? ''}
            onChange={(v) => setFilter('open', v)}
            options={[
              { value: '', label: t('filters.allStatuses') },
              { value: '1', label: t('filters.openOnly') },
            ]}
          />
        </div>
        {filtered ? (
          <p>
            <Button kind="secondary" onClick={() => setParams(new URLSearchParams())}>
              {t('filters.clear')}
            </Button>
          </p>
        ) : null}
      </section>

      <section aria-labelledby="apps-views" className="apps-views">
        <h2 id="apps-views">{t('views.title')}</h2>
        <p className="hint">{t('views.hint')}</p>
        {saved ? <Alert kind="success">{saved}</Alert> : null}
        {views.length ? (
          <ul className="apps-view-list">
            {views.map((v) => (
              <li key={v.name}>
                <Link to={`/applications${v.query ? `?${v.query}` : ''}`}>{v.name}</Link>{' '}
                <Button kind="secondary" onClick={() => removeView(v.name)}>
                  {t('views.remove', { name: v.name })}
                </Button>
              </li>
            ))}
          </ul>
        ) : null}
        <form onSubmit={saveView} className="apps-view-form">
          <Field label={t('views.name')} name="viewName" value={viewName} onChange={setViewName} />
          <Button type="submit" kind="secondary" disabled={!viewName.trim()}>
            {t('views.save')}
          </Button>
        </form>
      </section>

      {error ? <Alert kind="error">{error}</Alert> : null}
      {rows === null ? (
        error ? null : (
          <p role="status">{t('loading')}</p>
        )
      ) : (
        <>
          <p role="status">{t('count', { count: shown.length })}</p>
          {shown.length ? (
            <div className="table-wrap">
              <table>
                <caption className="apps-sr-only">{t('tableCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('col.reference')}</th>
                    <th scope="col">{t('col.programme')}</th>
                    <th scope="col">{t('col.status')}</th>
                    <th scope="col">{t('col.risk')}</th>
                    <th scope="col">{t('col.assignee')}</th>
                    <th scope="col">{t('col.updated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((a) => (
                    <tr key={a.id}>
                      <th scope="row">
                        <Link to={`/applications/${a.id}`}>{a.reference}</Link>
                      </th>
                      <td>{a.programme.name}</td>
                      <td>{statusLabel(dash, a.status, a.programme.id)}</td>
                      <td>{t(`risk.${a.riskLevel ?? 'unknown'}`)}</td>
                      <td>{a.assignee ? a.assignee.displayName : t('unassigned')}</td>
                      <td>{formatDate(a.updatedAt, true)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {next ? (
            <p>
              <Button kind="secondary" busy={loading} onClick={() => void load(next)}>
                {t('more')}
              </Button>
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
