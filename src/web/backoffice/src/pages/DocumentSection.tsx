/**
 * A subject's documents (expiry and validity at a glance, each opening the viewer) and, for
 * `document:upload`, the upload form with a progress bar. The upload is the API's multipart form
 * (text fields first, then the file part), sent by XHR for its upload progress.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, uploadWithProgress } from '../../../ui/api.ts';
import { Alert, Button, errorFor, Field, ProgressBar } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { useSession } from '../session.tsx';
import type { DocumentDetailView, DocumentView } from '../viewer/types.ts';

interface DocumentType {
  code: string;
  label: string;
  appliesTo: string[];
}

/** The document types of the programmes the user sees that apply to this kind of subject. */
async function loadTypes(kind: string): Promise<DocumentType[]> {
  const page = await api<{ items: { documentTypes: DocumentType[] }[] }>('/api/v1/programmes?limit=200');
  const byCode = new Map<string, DocumentType>();
  for (const p of page.items)
    for (const dt of p.documentTypes)
      if (dt.appliesTo.includes(kind) && !byCode.has(dt.code)) byCode.set(dt.code, dt);
  return [...byCode.values()];
}

export function DocumentSection(props: { subjectId: string; subjectKind: string }) {
  const { t } = useTranslation('documents');
  const { can } = useSession();
  const [items, setItems] = useState<DocumentView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const page = await api<{ items: DocumentView[] }>(
        `/api/v1/documents?subjectId=${props.subjectId}&limit=200`,
      );
      setItems(page.items);
    } catch {
      setError(t('unavailable'));
    }
  }, [props.subjectId, t]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="documents-list-heading" className="subjects-section">
      <h2 id="documents-list-heading">{t('list.heading')}</h2>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {items === null && !error ? <p role="status">{t('viewer.loading')}</p> : null}
      {items && items.length === 0 ? <p>{t('list.empty')}</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('list.type')}</th>
                <th scope="col">{t('list.file')}</th>
                <th scope="col">{t('list.expiry')}</th>
                <th scope="col">{t('list.validity')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    <Link to={`/documents/${d.id}`} aria-label={t('list.open', { type: d.typeLabel })}>
                      {d.typeLabel}
                    </Link>
                  </th>
                  <td>{d.file.filename}</td>
                  <td>
                    <span className={`documents-badge documents-expiry-${d.expiry.status}`}>
                      {t(`expiry.${d.expiry.status}`)}
                    </span>
                    {d.expiryDate ? ` ${formatDate(d.expiryDate)}` : null}
                  </td>
                  <td>
                    <span className={`documents-badge documents-validity-${d.validity}`}>
                      {t(`validity.${d.validity}`)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {can('document:upload') ? (
        <DocumentUpload subjectId={props.subjectId} subjectKind={props.subjectKind} onUploaded={load} />
      ) : null}
    </section>
  );
}

function DocumentUpload(props: { subjectId: string; subjectKind: string; onUploaded: () => Promise<void> }) {
  const { t } = useTranslation('documents');
  const { can } = useSession();
  const ids = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [types, setTypes] = useState<DocumentType[] | null>(null);
  const [type, setType] = useState('');
  const [issueDate, setIssueDate] = useState('');
  const [expiryDate, setExpiryDate] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    if (!can('programme:read')) return setTypes([]);
    loadTypes(props.subjectKind).then(setTypes, () => setTypes([]));
  }, [can, props.subjectKind]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const problems = [
      ...(type ? [] : [{ path: '/type', message: t('upload.noType') }]),
      ...(file ? [] : [{ path: '/file', message: t('upload.noFile') }]),
    ];
    if (problems.length || !file) {
      setError(new ApiError(400, { errors: problems }));
      return;
    }
    // The API reads the text fields before the file: FormData keeps this order, and a Response
    // turns it into the multipart body (with its boundary) that XHR sends with upload progress.
    const form = new FormData();
    form.append('type', type);
    if (issueDate) form.append('issueDate', issueDate);
    if (expiryDate) form.append('expiryDate', expiryDate);
    form.append('file', file, file.name);
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
    const body = await encoded.blob();
    setProgress({ loaded: 0, total: body.size });
    try {
      await uploadWithProgress<DocumentDetailView>(
        `/api/v1/subjects/${props.subjectId}/documents`,
        body,
        { 'content-type': contentType, accept: 'application/json' },
        (loaded, total) => setProgress({ loaded, total }),
      );
      setDone(t('upload.done', { filename: file.name }));
      setFile(null);
      setIssueDate('');
      setExpiryDate('');
      if (fileInput.current) fileInput.current.value = '';
      await props.onUploaded();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('unavailable') }));
    } finally {
      setProgress(null);
    }
  };

  const fieldErrors = error?.errors ?? [];
  const typeError = errorFor(fieldErrors, '/type');
  const fileError = errorFor(fieldErrors, '/file');
  const otherError =
    error &&
    !typeError &&
    !fileError &&
    !errorFor(fieldErrors, '/issueDate') &&
    !errorFor(fieldErrors, '/expiryDate')
      ? error.message
      : null;
  return (
    <form onSubmit={submit} noValidate className="documents-upload" aria-labelledby={`${ids}-h`}>
      <h3 id={`${ids}-h`}>{t('upload.heading')}</h3>
      {otherError ? <Alert kind="error">{otherError}</Alert> : null}
      {done ? <Alert kind="success">{done}</Alert> : null}
      <div className="field">
        <label htmlFor={`${ids}-type`}>{t('upload.type')}</label>
        {types && types.length > 0 ? (
          <select
            id={`${ids}-type`}
            value={type}
            onChange={(e) => setType(e.target.value)}
            aria-invalid={typeError ? true : undefined}
            aria-describedby={typeError ? `${ids}-type-err` : undefined}
          >
            <option value="">{t('upload.chooseType')}</option>
            {types.map((dt) => (
              <option key={dt.code} value={dt.code}>
                {dt.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={`${ids}-type`}
            value={type}
            onChange={(e) => setType(e.target.value)}
            aria-invalid={typeError ? true : undefined}
            aria-describedby={typeError ? `${ids}-type-err` : undefined}
          />
        )}
        {typeError ? (
          <p className="field-error" id={`${ids}-type-err`}>
            {typeError}
          </p>
        ) : null}
      </div>
      <div className="documents-upload-dates">
        <Field
          label={t('upload.issueDate')}
          name="issueDate"
          type="date"
          value={issueDate}
          onChange={setIssueDate}
          error={errorFor(fieldErrors, '/issueDate')}
        />
        <Field
          label={t('upload.expiryDate')}
          name="expiryDate"
          type="date"
          value={expiryDate}
          onChange={setExpiryDate}
          error={errorFor(fieldErrors, '/expiryDate')}
        />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-file`}>{t('upload.file')}</label>
        <input
          id={`${ids}-file`}
          ref={fileInput}
          type="file"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? `${ids}-file-err` : undefined}
        />
        {fileError ? (
          <p className="field-error" id={`${ids}-file-err`}>
            {fileError}
          </p>
        ) : null}
      </div>
      {progress ? (
        <div className="documents-progress">
          <p role="status">{t('upload.uploading', { filename: file?.name ?? '' })}</p>
          <ProgressBar label={t('upload.progress')} value={progress.loaded} max={progress.total} />
        </div>
      ) : null}
      <Button type="submit" busy={progress !== null}>
        {t('upload.submit')}
      </Button>
    </form>
  );
}
