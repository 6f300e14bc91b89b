/**
 * Uploads one document for a subject of an application, with a progress bar. The portal takes the
 * file as the raw body (never a form post): the subject and document type in the query string, the
 * file name percent-encoded in `X-File-Name`; the server scans and stores it, and refuses what it
 * must (size, type, virus) with a message shown here.
 */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadWithProgress } from '../../../ui/api.ts';
import { Alert, Button, ProgressBar } from '../../../ui/components.tsx';
import { formatNumber } from '../../../ui/i18n.ts';
import type { ClientDocument } from '../types.ts';
import { problemText } from '../use-load.ts';

export function DocumentUpload(props: {
  applicationId: string;
  subjectId: string;
  documentType: string;
  /** What is asked, e.g. "Passport of Ada Lovelace": names the file picker. */
  label: string;
  onUploaded: (doc: ClientDocument) => void;
}) {
  const { t } = useTranslation('documents');
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ClientDocument | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setError(t('chooseFirst'));
      return;
    }
    setError(null);
    setDone(null);
    setBusy(true);
    setProgress({ loaded: 0, total: file.size });
    const query = new URLSearchParams({ subjectId: props.subjectId, type: props.documentType });
    try {
      const doc = await uploadWithProgress<ClientDocument>(
        `/api/v1/applications/${props.applicationId}/documents?${query}`,
        file,
        { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
        (loaded, total) => setProgress({ loaded, total }),
      );
      setProgress({ loaded: file.size, total: file.size });
      setDone(doc);
      props.onUploaded(doc);
    } catch (err) {
      setProgress(null);
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="portal-upload" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-file`}>{props.label}</label>
        <p className="hint" id={`${id}-hint`}>
          {t('hint')}
        </p>
        <input
          id={`${id}-file`}
          type="file"
          aria-describedby={`${id}-hint`}
          accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setDone(null);
            setProgress(null);
          }}
        />
      </div>
      {progress ? (
        <ProgressBar
          label={t('progress', { name: file?.name ?? '' })}
          value={progress.loaded}
          max={progress.total}
        />
      ) : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      {done ? (
        <Alert kind="success">
          {t('received', { name: done.filename, size: formatNumber(Math.ceil(done.size / 1024)) })}
        </Alert>
      ) : null}
      <Button type="submit" kind="secondary" busy={busy}>
        {t('upload')}
      </Button>
    </form>
  );
}
