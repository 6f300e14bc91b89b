/**
 * The documents of an application that the client's organisation uploaded, with their review
 * status, and an upload of any document (not only those a request asks for): which related party it
 * is about, which of the programme's document types it is (those that apply to that party), its
 * dates if it has any, and the file, sent with a progress bar. The server decides (type, subject,
 * size, content, virus); its refusals are shown at the field or above the form.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../../../ui/api.ts';
import { Alert, Button } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { ApplicationFrame } from '../components/ApplicationFrame.tsx';
import { Select, Tag, TextInput } from '../components/controls.tsx';
import { FileInput, useUpload } from '../components/DocumentUpload.tsx';
import { useSession } from '../session.tsx';
import type { ClientDocument, ClientPartyList, DocumentTypeOption } from '../types.ts';
import { problemText, useLoad } from '../use-load.ts';

export function Documents() {
  const { id = '' } = useParams();
  const { t } = useTranslation('documents');
  return (
    <ApplicationFrame id={id} title={(app) => t('title', { reference: app.reference })}>
      {() => <DocumentsBody id={id} />}
    </ApplicationFrame>
  );
}

function DocumentsBody(props: { id: string }) {
  const { t } = useTranslation('documents');
  const { canChange } = useSession();
  const url = `/api/v1/applications/${props.id}/documents`;
  const loaded = useLoad(() => api<{ items: ClientDocument[] }>(url), url);
  const partiesUrl = `/api/v1/applications/${props.id}/parties`;
  const parties = useLoad(() => api<ClientPartyList>(partiesUrl), partiesUrl);
  if (loaded.error) return <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert>;
  if (!loaded.data) return <p role="status">{t('common:loading')}</p>;
  const items = loaded.data.items;
  const names = new Map((parties.data?.items ?? []).map((p) => [p.id, p.displayName]));
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
                  <td>
                    {d.typeLabel}
                    {names.has(d.subjectId) ? (
                      <div className="hint">{t('aboutWho', { name: names.get(d.subjectId) })}</div>
                    ) : null}
                  </td>
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
      {canChange && parties.data ? (
        <UploadForm
          applicationId={props.id}
          parties={parties.data.items.map((p) => ({ id: p.id, name: p.displayName }))}
          onUploaded={() => void loaded.reload()}
        />
      ) : null}
    </>
  );
}

type Problems = { subject?: string; type?: string; file?: string };

/** Any document for any party of the application. */
function UploadForm(props: {
  applicationId: string;
  parties: { id: string; name: string }[];
  onUploaded: () => void;
}) {
  const { t } = useTranslation('documents');
  const [subjectId, setSubjectId] = useState(props.parties.length === 1 ? props.parties[0]!.id : '');
  const [type, setType] = useState('');
  const [issueDate, setIssueDate] = useState('');
  const [expiryDate, setExpiryDate] = useState('');
  const [file, setFile] = useState<File | null>(null);
  // A new key clears the file picker after an upload (its value cannot be set).
  const [pickerKey, setPickerKey] = useState(0);
  const [problems, setProblems] = useState<Problems>({});
  const upload = useUpload();
  const typesUrl = `/api/v1/applications/${props.applicationId}/document-types${
    subjectId ? `?${new URLSearchParams({ subjectId })}` : ''
  }`;
  const types = useLoad(() => api<{ items: DocumentTypeOption[] }>(typesUrl), typesUrl);
  const typeOptions = types.data?.items ?? [];

  const at = (path: string) => upload.errors.find((e) => e.path === path)?.message ?? null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Problems = {};
    if (!subjectId) local.subject = t('subjectMissing');
    if (!type) local.type = t('typeMissing');
    if (!file) local.file = t('chooseFirst');
    setProblems(local);
    if (!subjectId || !type || !file) return;
    const doc = await upload.start(
      props.applicationId,
      {
        subjectId,
        type,
        ...(issueDate ? { issueDate } : {}),
        ...(expiryDate ? { expiryDate } : {}),
      },
      file,
    );
    if (doc) {
      setFile(null);
      setIssueDate('');
      setExpiryDate('');
      setPickerKey((k) => k + 1);
      props.onUploaded();
    }
  };

  return (
    <section aria-labelledby="doc-upload" className="portal-section">
      <h2 id="doc-upload">{t('uploadTitle')}</h2>
      <p>{t('uploadIntro')}</p>
      {types.error ? <Alert kind="error">{problemText(types.error, t('common:unavailable'))}</Alert> : null}
      <form className="portal-form portal-upload" onSubmit={submit} noValidate>
        <Select
          label={t('subject')}
          value={subjectId}
          onChange={(v) => {
            setSubjectId(v);
            setType('');
            upload.reset();
          }}
          options={props.parties.map((p) => ({ value: p.id, label: p.name }))}
          placeholder={t('common:choose')}
          error={problems.subject ?? at('/subjectId')}
        />
        <Select
          label={t('documentType')}
          value={typeOptions.some((o) => o.code === type) ? type : ''}
          onChange={(v) => {
            setType(v);
            upload.reset();
          }}
          options={typeOptions.map((o) => ({
            value: o.code,
            label: o.label,
          }))}
          placeholder={t('common:choose')}
          hint={subjectId ? undefined : t('typeHint')}
          error={problems.type ?? at('/type')}
        />
        <div className="portal-inline">
          <TextInput
            label={t('issueDate')}
            type="date"
            optional
            value={issueDate}
            onChange={setIssueDate}
            error={at('/issueDate')}
          />
          <TextInput
            label={t('expiryDate')}
            type="date"
            optional
            value={expiryDate}
            onChange={setExpiryDate}
            error={at('/expiryDate')}
          />
        </div>
        <FileInput
          key={pickerKey}
          label={t('fileLabel')}
          error={problems.file}
          onFile={(f) => {
            setFile(f);
            upload.reset();
          }}
        />
        {upload.feedback}
        <Button type="submit" busy={upload.busy}>
          {t('upload')}
        </Button>
      </form>
    </section>
  );
}
