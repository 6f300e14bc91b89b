/** The documents of an application that the client's organisation uploaded, with their review status. */
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../../../ui/api.ts';
import { Alert } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { ApplicationFrame } from '../components/ApplicationFrame.tsx';
import { Tag } from '../components/controls.tsx';
import type { ClientDocument } from '../types.ts';
import { problemText, useLoad } from '../use-load.ts';

export function Documents() {
  const { id = '' } = useParams();
  const { t } = useTranslation('documents');
  return (
    <ApplicationFrame id={id} title={(app) => t('title', { reference: app.reference })}>
      {() => <DocumentList id={id} />}
    </ApplicationFrame>
  );
}

function DocumentList(props: { id: string }) {
  const { t } = useTranslation('documents');
  const url = `/api/v1/applications/${props.id}/documents`;
  const loaded = useLoad(() => api<{ items: ClientDocument[] }>(url), url);
  if (loaded.error) return <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert>;
  if (!loaded.data) return <p role="status">{t('common:loading')}</p>;
  const items = loaded.data.items;
  return (
    <>
      <p>{t('intro')}</p>
      {items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="portal-sr-only">{t('caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('file')}</th>
                <th scope="col">{t('type')}</th>
                <th scope="col">{t('uploaded')}</th>
                <th scope="col">{t('review')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td className="portal-wrap">
                    {d.filename}
                    <div className="hint">{t('size', { kb: formatNumber(Math.ceil(d.size / 1024)) })}</div>
                  </td>
                  <td>{d.typeLabel}</td>
                  <td>
                    {formatDate(d.uploadedAt, true)}
                    <div className="hint">{d.uploadedBy}</div>
                  </td>
                  <td>
                    <Tag kind={d.review === 'accepted' ? 'done' : d.review === 'rejected' ? 'warn' : 'info'}>
                      {t(`reviews.${d.review}`)}
                    </Tag>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
