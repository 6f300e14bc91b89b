/**
 * The subjects the user sees (GET /subjects: its programmes' subjects and those of their
 * applications), searched by name and filtered by kind, a page at a time; sensitive fields masked.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';

interface SubjectSummary {
  id: string;
  kind: 'person' | 'entity';
  displayName: string;
  dateOfBirth: string | null;
  jurisdiction: string | null;
  registrationNumber: string | null;
  updatedAt: string;
}

export function SubjectList() {
  const { t } = useTranslation('subjects');
  const kindId = useId();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [query, setQuery] = useState({ q: '', kind: '' });
  const [items, setItems] = useState<SubjectSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (cursor: string | null) => {
      const params = new URLSearchParams({ limit: '50' });
      if (query.q) params.set('q', query.q);
      if (query.kind) params.set('kind', query.kind);
      if (cursor) params.set('cursor', cursor);
      try {
        const page = await api<{ items: SubjectSummary[]; nextCursor: string | null }>(
          `/api/v1/subjects?${params.toString()}`,
        );
        setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
        setNext(page.nextCursor);
        setError(null);
      } catch {
        setError(t('unavailable'));
      }
    },
    [query, t],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q: q.trim(), kind });
  };

  return (
    <>
      <PageTitle>{t('list.title')}</PageTitle>
      <form onSubmit={submit} className="subjects-search" role="search">
        <Field label={t('list.search')} name="q" type="search" value={q} onChange={setQ} />
        <div className="field">
          <label htmlFor={kindId}>{t('list.kind')}</label>
          <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t('list.anyKind')}</option>
            <option value="person">{t('kind.person')}</option>
            <option value="entity">{t('kind.entity')}</option>
          </select>
        </div>
        <Button type="submit">{t('list.searchButton')}</Button>
      </form>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {items === null && !error ? <p role="status">{t('loading')}</p> : null}
      {items && items.length === 0 ? <p>{t('list.empty')}</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('list.name')}</th>
                <th scope="col">{t('list.kind')}</th>
                <th scope="col">{t('list.born')}</th>
                <th scope="col">{t('list.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <Link to={`/subjects/${s.id}`}>{s.displayName}</Link>
                  </th>
                  <td>{t(`kind.${s.kind}`)}</td>
                  <td>
                    {s.kind === 'person'
                      ? (s.dateOfBirth?.slice(0, 4) ?? '')
                      : [s.jurisdiction, s.registrationNumber].filter(Boolean).join(' ')}
                  </td>
                  <td>{formatDate(s.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next ? (
        <p>
          <Button kind="secondary" onClick={() => void load(next)}>
            {t('list.more')}
          </Button>
        </p>
      ) : null}
    </>
  );
}
