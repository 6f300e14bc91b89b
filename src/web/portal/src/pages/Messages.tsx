/** Notes the case officer shared on an application, and the organisation's messages in reply. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, type FieldError } from '../../../ui/api.ts';
import { Alert, Button } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { ApplicationFrame } from '../components/ApplicationFrame.tsx';
import { TextArea } from '../components/controls.tsx';
import { useSession } from '../session.tsx';
import type { ClientNote } from '../types.ts';
import { fieldErrors, problemText, useLoad } from '../use-load.ts';

export function Messages() {
  const { id = '' } = useParams();
  const { t } = useTranslation('messages');
  return (
    <ApplicationFrame id={id} title={(app) => t('title', { reference: app.reference })}>
      {() => <Thread id={id} />}
    </ApplicationFrame>
  );
}

function Thread(props: { id: string }) {
  const { t } = useTranslation('messages');
  const { canChange } = useSession();
  const url = `/api/v1/applications/${props.id}/notes`;
  const loaded = useLoad(() => api<{ items: ClientNote[]; truncated: boolean }>(url), url);
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSent(false);
    try {
      await api(url, { method: 'POST', body: { body } });
      setBody('');
      setErrors([]);
      setSent(true);
      await loaded.reload();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };

  if (loaded.error) return <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert>;
  if (!loaded.data) return <p role="status">{t('common:loading')}</p>;
  const { items, truncated } = loaded.data;
  return (
    <>
      {truncated ? <p className="hint">{t('truncated')}</p> : null}
      {items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <ol className="portal-thread">
          {items.map((n) => (
            <li key={n.id} className={`portal-note portal-note-${n.from}`}>
              <p className="portal-note-head">
                <strong>{n.from === 'case_officer' ? t('caseOfficer') : n.author}</strong>{' '}
                <time dateTime={n.createdAt}>{formatDate(n.createdAt, true)}</time>
              </p>
              <p className="portal-pre">{n.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canChange ? (
        <form className="portal-form" onSubmit={send} noValidate>
          <h2>{t('write')}</h2>
          {error ? <Alert kind="error">{error}</Alert> : null}
          {sent ? <Alert kind="success">{t('sent')}</Alert> : null}
          <TextArea
            label={t('message')}
            value={body}
            onChange={setBody}
            maxLength={4000}
            rows={5}
            error={errors.find((x) => x.path === '/body')?.message}
          />
          <Button type="submit" busy={busy}>
            {t('send')}
          </Button>
        </form>
      ) : null}
    </>
  );
}
