/**
 * One document: the embedded viewer (PDF pages or the image, in a sandboxed frame; each view is
 * audited by the API), its details, expiry and validity, its versions; the review form for
 * `document:review`; the download link only for `document:download` (the API refuses it anyway).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, errorFor, Field, PageTitle } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { useSession } from '../session.tsx';
import type { RenderedPage } from '../viewer/render-document.ts';
import type { DocumentDetailView, DocumentView, Validity } from '../viewer/types.ts';

/** Widest rendered page, in CSS pixels; narrower when the frame is. */
const MAX_PAGE_WIDTH = 900;
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function formatBytes(size: number): string {
  return size < 1024 * 1024
    ? formatNumber(size / 1024, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 })
    : formatNumber(size / (1024 * 1024), { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 });
}

export function DocumentViewer() {
  const { id = '' } = useParams();
  const { t } = useTranslation('documents');
  const { can } = useSession();
  const [detail, setDetail] = useState<DocumentDetailView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setDetail(await api<DocumentDetailView>(`/api/v1/documents/${id}`));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? t('notFound') : t('unavailable'));
    }
  }, [id, t]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <Alert kind="error">{error}</Alert>;
  if (!detail) return <p role="status">{t('viewer.loading')}</p>;
  const doc = detail.document;
  return (
    <>
      <PageTitle>{t('viewer.title', { type: doc.typeLabel, filename: doc.file.filename })}</PageTitle>
      <p>
        <Link to={`/subjects/${doc.subjectId}`}>{t('viewer.backToSubject')}</Link>
      </p>
      <div className="documents-layout">
        <section aria-labelledby="documents-file-heading" className="documents-main">
          <h2 id="documents-file-heading">{t('viewer.fileHeading')}</h2>
          {can('document:view') ? (
            <DocumentFrame doc={doc} />
          ) : (
            <Alert kind="info">{t('viewer.noViewRight')}</Alert>
          )}
          {can('document:download') ? (
            <p>
              <a
                className="btn btn-secondary"
                href={`/api/v1/documents/${doc.id}/download`}
                download={doc.file.filename}
              >
                {t('viewer.download')}
              </a>
            </p>
          ) : null}
        </section>
        <div className="documents-side">
          <DocumentFacts doc={doc} />
          {can('document:review') ? <DocumentReview doc={doc} onSaved={(d) => setDetail(d)} /> : null}
          <DocumentVersions detail={detail} />
        </div>
      </div>
    </>
  );
}

type FrameState =
  | { state: 'loading' }
  | { state: 'ready'; url: string; note: string }
  | { state: 'unsupported'; mediaType: string }
  | { state: 'failed'; message: string };

/** Fetches the file once (one audited view) and shows it in a frame without any permission. */
function DocumentFrame(props: { doc: DocumentView }) {
  const { t, i18n } = useTranslation('documents');
  const [frame, setFrame] = useState<FrameState>({ state: 'loading' });
  const box = useRef<HTMLDivElement>(null);
  const { id, currentVersion } = props.doc;
  const filename = props.doc.file.filename;

  useEffect(() => {
    let cancelled = false;
    let url: string | null = null;
    const labels = {
      title: t('viewer.frameTitle', { filename }),
      page: (n: number, of: number) => t('viewer.pageAlt', { n, of }),
    };
    void (async () => {
      try {
        const res = await fetch(`/api/v1/documents/${id}/view?version=${currentVersion}`, {
          credentials: 'same-origin',
          headers: { accept: '*/*' },
        });
        if (!res.ok) {
          const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
          throw new ApiError(res.status, body);
        }
        const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        const data = await res.arrayBuffer();
        // pdf.js is loaded with the first document (its own chunk, not part of every page).
        const { dataUrlOf, renderPdf, viewerPageUrl } = await import('../viewer/render-document.ts');
        if (cancelled) return;
        // The frame's body has the browser's default 8 px margins and a scroll bar.
        const pageWidth = Math.max(240, Math.min(MAX_PAGE_WIDTH, (box.current?.clientWidth ?? 720) - 40));
        if (mediaType === 'application/pdf') {
          const { pages, total } = await renderPdf(data, { cssWidth: pageWidth });
          url = viewerPageUrl({ kind: 'images', pages }, labels, i18n.language);
          if (!cancelled)
            setFrame({ state: 'ready', url, note: t('viewer.shown', { shown: pages.length, total }) });
        } else if (IMAGE_TYPES.has(mediaType)) {
          const bitmap = await createImageBitmap(new Blob([data], { type: mediaType }));
          const scale = Math.min(1, pageWidth / bitmap.width);
          const page: RenderedPage = {
            src: await dataUrlOf(data, mediaType),
            width: Math.max(1, Math.round(bitmap.width * scale)),
            height: Math.max(1, Math.round(bitmap.height * scale)),
          };
          bitmap.close();
          url = viewerPageUrl({ kind: 'images', pages: [page] }, labels, i18n.language);
          if (!cancelled) setFrame({ state: 'ready', url, note: t('viewer.shownImage') });
        } else if (mediaType.startsWith('text/')) {
          const text = new TextDecoder().decode(data);
          url = viewerPageUrl({ kind: 'text', text }, labels, i18n.language);
          if (!cancelled) setFrame({ state: 'ready', url, note: '' });
        } else if (!cancelled) setFrame({ state: 'unsupported', mediaType });
      } catch (err) {
        if (!cancelled)
          setFrame({
            state: 'failed',
            message: err instanceof ApiError && err.status !== 0 ? err.message : t('viewer.failed'),
          });
      }
    })();
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [id, currentVersion, filename, t, i18n.language]);

  return <div ref={box}>{frameContent(frame)}</div>;

  function frameContent(frame: FrameState) {
    switch (frame.state) {
      case 'loading':
        return <p role="status">{t('viewer.loading')}</p>;
      case 'unsupported':
        return <Alert kind="info">{t('viewer.unsupported', { mediaType: frame.mediaType })}</Alert>;
      case 'failed':
        return <Alert kind="error">{frame.message}</Alert>;
      case 'ready':
        return (
          <>
            {frame.note ? (
              <p role="status" className="hint">
                {frame.note}
              </p>
            ) : null}
            {/* No sandbox permission at all: no script, an opaque origin, no downloads. */}
            <iframe
              className="documents-frame"
              sandbox=""
              src={frame.url}
              title={t('viewer.frameTitle', { filename })}
              referrerPolicy="no-referrer"
            />
          </>
        );
    }
  }
}

function DocumentFacts(props: { doc: DocumentView }) {
  const { t } = useTranslation('documents');
  const d = props.doc;
  const none = t('facts.none');
  return (
    <section aria-labelledby="documents-facts-heading">
      <h2 id="documents-facts-heading">{t('facts.heading')}</h2>
      <dl className="documents-facts">
        <dt>{t('facts.type')}</dt>
        <dd>{d.typeLabel}</dd>
        <dt>{t('facts.file')}</dt>
        <dd>
          {d.file.filename} ({d.file.mediaType}, {formatBytes(d.file.size)})
        </dd>
        <dt>{t('facts.uploaded')}</dt>
        <dd>{formatDate(d.file.uploadedAt, true)}</dd>
        <dt>{t('facts.issueDate')}</dt>
        <dd>{d.issueDate ? formatDate(d.issueDate) : none}</dd>
        <dt>{t('facts.expiryDate')}</dt>
        <dd>{d.expiryDate ? formatDate(d.expiryDate) : none}</dd>
        <dt>{t('facts.expiry')}</dt>
        <dd>
          <span className={`documents-badge documents-expiry-${d.expiry.status}`}>
            {t(`expiry.${d.expiry.status}`)}
          </span>
        </dd>
        <dt>{t('facts.validity')}</dt>
        <dd>
          <span className={`documents-badge documents-validity-${d.validity}`}>
            {t(`validity.${d.validity}`)}
          </span>
          {d.validitySetAt ? ` (${formatDate(d.validitySetAt, true)})` : null}
        </dd>
        {d.invalidReason ? (
          <>
            <dt>{t('facts.invalidReason')}</dt>
            <dd>{d.invalidReason}</dd>
          </>
        ) : null}
        <dt>{t('facts.physicalCopySeen')}</dt>
        <dd>{d.physicalCopySeen ? t('facts.yes') : t('facts.no')}</dd>
      </dl>
    </section>
  );
}

/** Expiry, validity and the physical copy, as a reviewer (`document:review`) sets them. */
function DocumentReview(props: { doc: DocumentView; onSaved: (d: DocumentDetailView) => void }) {
  const { t } = useTranslation('documents');
  const d = props.doc;
  const [issueDate, setIssueDate] = useState(d.issueDate ?? '');
  const [expiryDate, setExpiryDate] = useState(d.expiryDate ?? '');
  const [validity, setValidity] = useState<Validity>(d.validity);
  const [invalidReason, setInvalidReason] = useState(d.invalidReason ?? '');
  const [seen, setSeen] = useState(d.physicalCopySeen);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setMessage(null);
    const body: Record<string, unknown> = { version: d.version };
    if (issueDate !== (d.issueDate ?? '')) body['issueDate'] = issueDate || null;
    if (expiryDate !== (d.expiryDate ?? '')) body['expiryDate'] = expiryDate || null;
    if (validity !== d.validity || (validity === 'invalid' && invalidReason !== (d.invalidReason ?? ''))) {
      body['validity'] = validity;
      if (validity === 'invalid') body['invalidReason'] = invalidReason;
    }
    if (seen !== d.physicalCopySeen) body['physicalCopySeen'] = seen;
    if (Object.keys(body).length === 1) {
      setMessage(t('review.nothing'));
      return;
    }
    setBusy(true);
    try {
      props.onSaved(await api<DocumentDetailView>(`/api/v1/documents/${d.id}`, { method: 'PATCH', body }));
      setMessage(t('review.saved'));
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { detail: t('unavailable') }));
    } finally {
      setBusy(false);
    }
  };
  const fieldErrors = error?.errors ?? [];
  return (
    <section aria-labelledby="documents-review-heading">
      <h2 id="documents-review-heading">{t('review.heading')}</h2>
      {error && fieldErrors.length === 0 ? <Alert kind="error">{error.message}</Alert> : null}
      {message ? <Alert kind="success">{message}</Alert> : null}
      <form onSubmit={submit} noValidate>
        <Field
          label={t('review.issueDate')}
          name="issueDate"
          type="date"
          value={issueDate}
          onChange={setIssueDate}
          error={errorFor(fieldErrors, '/issueDate')}
        />
        <Field
          label={t('review.expiryDate')}
          name="expiryDate"
          type="date"
          value={expiryDate}
          onChange={setExpiryDate}
          error={errorFor(fieldErrors, '/expiryDate')}
        />
        <div className="field">
          <label htmlFor="documents-validity">{t('review.validity')}</label>
          <select
            id="documents-validity"
            value={validity}
            onChange={(e) => setValidity(e.target.value as Validity)}
          >
            {(['unchecked', 'valid', 'invalid'] as const).map((v) => (
              <option key={v} value={v}>
                {t(`validity.${v}`)}
              </option>
            ))}
          </select>
        </div>
        {validity === 'invalid' ? (
          <Field
            label={t('review.invalidReason')}
            name="invalidReason"
            value={invalidReason}
            onChange={setInvalidReason}
            error={errorFor(fieldErrors, '/invalidReason')}
            required
          />
        ) : null}
        <div className="field documents-check">
          <label>
            <input type="checkbox" checked={seen} onChange={(e) => setSeen(e.target.checked)} />{' '}
            {t('review.physicalCopySeen')}
          </label>
        </div>
        <Button type="submit" busy={busy}>
          {t('review.save')}
        </Button>
      </form>
    </section>
  );
}

function DocumentVersions(props: { detail: DocumentDetailView }) {
  const { t } = useTranslation('documents');
  return (
    <section aria-labelledby="documents-versions-heading">
      <h2 id="documents-versions-heading">{t('versions.heading')}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('versions.number')}</th>
              <th scope="col">{t('versions.file')}</th>
              <th scope="col">{t('versions.uploadedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {props.detail.versions.map((v) => (
              <tr key={v.number}>
                <th scope="row">
                  {formatNumber(v.number)}
                  {v.current ? ` (${t('versions.current')})` : ''}
                </th>
                <td>
                  {v.filename} ({formatBytes(v.size)})
                </td>
                <td>{formatDate(v.uploadedAt, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
