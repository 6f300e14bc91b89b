import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../../ui/api.ts';
import { PageTitle } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { humanise } from '../format.ts';

interface ClientApplication {
  id: string;
  reference: string;
  programme: string;
  status: string;
  updatedAt: string;
}

export function Applications() {
  const { t } = useTranslation('applications');
  const [items, setItems] = useState<ClientApplication[] | null>(null);
  useEffect(() => {
    void api<{ items: ClientApplication[] }>('/api/v1/applications').then((r) => setItems(r.items));
  }, []);
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      {items === null ? null : items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('reference')}</th>
                <th scope="col">{t('programme')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('updated')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/applications/${a.id}`}>{a.reference}</Link>
                  </td>
                  <td>{a.programme}</td>
                  <td>{humanise(a.status)}</td>
                  <td>{formatDate(a.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
