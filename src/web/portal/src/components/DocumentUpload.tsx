/**
 * Uploads one document for a subject of an application, with a progress bar. The portal takes the
 * file as the raw body (never a form post): the subject and document type in the query string, the
 * file name percent-encoded in `X-File-Name`; the server scans and stores it, and refuses what it
 * must (size, type, virus) with a message shown here.
 */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadWithProgress, type FieldError } from '../../../ui/api.ts';
import { Alert, Button, ProgressBar } from '../../../ui/components.tsx';
import { formatNumber } from '../../../ui/i18n.ts';
import type { ClientDocument } from '../types.ts';
import { fieldErrors, problemText } from '../use-load.ts';

/** What an upload's query string carries (ClientUploadQuery on the server). */
export interface UploadMetadata {
  subjectId: string;
  type: string;
  issueDate?: string;
  expiryDate?: string;
}

/** One upload at a time: its progress, the answer, and the refusal (with field-level errors). */
export function useUpload() {
  const { t } = useTranslation('documents');
  const [progress, setProgress] = useState<{ loaded: number; total: number; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [done, setDone] = useState<ClientDocument | null>(null);

  /** Clears what the last upload left (a new file or new choices were made). */
  const reset = () => {
    setDone(null);
    setProgress(null);
  };

  const start = async (applicationId: string, meta: UploadMetadata, file: File) => {
    setError(null);
    setErrors([]);
    setDone(null);
    setBusy(true);
    setProgress({ loaded: 0, total: file.size, name: file.name });
    const query = new URLSearchParams({
      subjectId: meta.subjectId,
      type: meta.type,
      ...(meta.issueDate ? { issueDate: meta.issueDate } : {}),
      ...(meta.expiryDate ? { expiryDate: meta.expiryDate } : {}),
    });
    try {
      const doc = await uploadWithProgress<ClientDocument>(
        `/api/v1/applications/${applicationId}/documents?${query}`,
        file,
        { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
        (loaded, total) => setProgress({ loaded, total, name: file.name }),
      );
      setProgress({ loaded: file.size, total: file.size, name: file.name });
      setDone(doc);
      return doc;
    } catch (err) {
      setProgress(null);
      setErrors(fieldErrors(err));
      setError(problemText(err, t('common:unavailable')));
      return null;
    } finally {
      setBusy(false);
    }
  };

  /** The progress bar, the refusal and the receipt, in that order. */
  const feedback = (
    <>
      {progress ? (
        <ProgressBar
          label={t('progress', { name: progress.name })}
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
    </>
  );

  return { start, reset, busy, error, errors, setError, done, feedback };
}

/** The file picker of the documents the portal accepts, its hint tied to it. */
export function FileInput(props: {
  label: string;
  onFile: (file: File | null) => void;
  error?: string | null | undefined;
}) {
  const { t } = useTranslation('documents');
  const id = useId();
  const described = [props.error ? `${id}-err` : null, `${id}-hint`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={`${id}-file`}>{props.label}</label>
      <p className="hint" id={`${id}-hint`}>
        {t('hint')}
      </p>
      <input
        id={`${id}-file`}
        type="file"
        aria-describedby={described}
        aria-invalid={props.error ? true : undefined}
        accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff"
        onChange={(e) => props.onFile(e.target.files?.[0] ?? null)}
      />
      {props.error ? (
        <p className="field-error" id={`${id}-err`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** The upload of a requested document: the subject and type are those the request asks for. */
export function DocumentUpload(props: {
  applicationId: string;
  subjectId: string;
  documentType: string;
  /** What is asked, e.g. "Passport of Ada Lovelace": names the file picker. */
  label: string;
  onUploaded: (doc: ClientDocument) => void;
}) {
  const { t } = useTranslation('documents');
  const [file, setFile] = useState<File | null>(null);
  const upload = useUpload();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      upload.setError(t('chooseFirst'));
      return;
    }
    const doc = await upload.start(
      props.applicationId,
      { subjectId: props.subjectId, type: props.documentType },
      file,
    );
    if (doc) props.onUploaded(doc);
  };

  return (
    <form className="portal-upload" onSubmit={submit} noValidate>
      <FileInput
        label={props.label}
        onFile={(f) => {
          setFile(f);
          upload.reset();
        }}
      />
      {upload.feedback}
      <Button type="submit" kind="secondary" busy={upload.busy}>
        {t('upload')}
      </Button>
    </form>
  );
}
