/**
 * One application: what is still missing (open request items and questionnaires not submitted),
 * the requests from compliance with their due dates (upload a requested document, answer requested
 * details), the questionnaires, and the meetings to confirm.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../../ui/api.ts';
import { Alert, Button } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { ApplicationFrame } from '../components/ApplicationFrame.tsx';
import { Due, Tag } from '../components/controls.tsx';
import { DocumentUpload } from '../components/DocumentUpload.tsx';
import { FieldsAnswer } from '../components/FieldsAnswer.tsx';
import { MeetingCard } from '../components/MeetingCard.tsx';
import { humanise } from '../format.ts';
import { useSession } from '../session.tsx';
import type {
  AssignmentSummary,
  ClientMeeting,
  ClientRequest,
  MissingItem,
  Missing,
  RequestItem,
} from '../types.ts';
import { problemText, useLoad } from '../use-load.ts';

interface Overview {
  missing: Missing;
  requests: ClientRequest[];
  forms: AssignmentSummary[];
  meetings: ClientMeeting[];
}

export function ApplicationOverview() {
  const { id = '' } = useParams();
  const { t } = useTranslation('application');
  return (
    <ApplicationFrame id={id} title={(app) => t('title', { reference: app.reference })}>
      {() => <OverviewBody id={id} />}
    </ApplicationFrame>
  );
}

function OverviewBody(props: { id: string }) {
  const { t } = useTranslation('application');
  const base = `/api/v1/applications/${props.id}`;
  const loaded = useLoad(async (): Promise<Overview> => {
    const [missing, requests, forms, meetings] = await Promise.all([
      api<Missing>(`${base}/missing`),
      api<{ items: ClientRequest[] }>(`${base}/requests`),
      api<{ items: AssignmentSummary[] }>(`${base}/forms`),
      api<{ items: ClientMeeting[] }>(`${base}/meetings`),
    ]);
    return { missing, requests: requests.items, forms: forms.items, meetings: meetings.items };
  }, base);
  if (loaded.error) return <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert>;
  const o = loaded.data;
  if (!o) return <p role="status">{t('common:loading')}</p>;
  const reload = () => void loaded.reload();
  return (
    <>
      <MissingSection id={props.id} missing={o.missing} />
      <section aria-labelledby="requests-h" className="portal-section">
        <h2 id="requests-h">{t('requests.title')}</h2>
        {o.requests.length === 0 ? <p>{t('requests.none')}</p> : null}
        {o.requests.map((r) => (
          <RequestCard key={r.id} applicationId={props.id} request={r} onChanged={reload} />
        ))}
      </section>
      <section aria-labelledby="forms-h" className="portal-section">
        <h2 id="forms-h">{t('forms.title')}</h2>
        {o.forms.length === 0 ? (
          <p>{t('forms.none')}</p>
        ) : (
          <ul className="portal-items">
            {o.forms.map((f) => (
              <li key={f.id}>
                <Link to={`/applications/${props.id}/questionnaires/${f.id}`}>{f.title}</Link>
                {f.subject ? <span> {t('about', { name: f.subject.name })}</span> : null}
                <div className="portal-meta">
                  <Due at={f.dueAt} overdue={false} />
                  <FormStatus form={f} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="meetings-h" className="portal-section">
        <h2 id="meetings-h">{t('meetings.title')}</h2>
        {o.meetings.length === 0 ? <p>{t('meetings.none')}</p> : null}
        {o.meetings.map((m) => (
          <MeetingCard key={m.id} meeting={m} onChanged={reload} />
        ))}
      </section>
    </>
  );
}

function FormStatus(props: { form: AssignmentSummary }) {
  const { t } = useTranslation('application');
  const f = props.form;
  if (f.status === 'submitted')
    return <Tag kind="done">{t('forms.submitted', { date: formatDate(f.submittedAt) })}</Tag>;
  if (f.status === 'cancelled') return <Tag kind="warn">{t('forms.cancelled')}</Tag>;
  if (f.draftSavedAt) return <Tag kind="info">{t('forms.draft', { date: formatDate(f.draftSavedAt) })}</Tag>;
  return <Tag kind="todo">{t('forms.open')}</Tag>;
}

/** "Passport", "Proof of address": a known type's name, else the code in words. */
export function useDocumentTypeName(): (code: string | null) => string {
  const { t } = useTranslation('documents');
  return (code) => (code ? t(`types.${code}`, { defaultValue: humanise(code) }) : '');
}

/** What an item asks, in words: "Passport of Ada Lovelace", "Addresses, Contact details of ...". */
function useItemText(): (item: Pick<MissingItem, 'kind' | 'documentType' | 'fields' | 'subject'>) => string {
  const { t } = useTranslation('application');
  const typeName = useDocumentTypeName();
  return (item) => {
    const who = item.subject?.displayName ?? '';
    switch (item.kind) {
      case 'document':
        return t('items.document', { type: typeName(item.documentType), who });
      case 'fields':
        return t('items.fields', {
          fields: (item.fields ?? []).map((f) => t(`requests:fields.${f}`)).join(', '),
          who,
        });
      default:
        return t('items.questionnaire');
    }
  };
}

function MissingSection(props: { id: string; missing: Missing }) {
  const { t } = useTranslation('application');
  const itemText = useItemText();
  // A questionnaire asked by a request is listed once, as the questionnaire.
  const items = props.missing.requestItems.filter((i) => i.kind !== 'questionnaire');
  const forms = props.missing.questionnaires;
  const count = items.length + forms.length;
  return (
    <section aria-labelledby="missing-h" className="portal-section portal-missing">
      <h2 id="missing-h">{t('missing.title')}</h2>
      {count === 0 ? (
        <p>{t('missing.none')}</p>
      ) : (
        <>
          <p>{t('missing.count', { count, n: formatNumber(count) })}</p>
          <ul className="portal-items">
            {forms.map((q) => (
              <li key={q.assignmentId}>
                <Link to={`/applications/${props.id}/questionnaires/${q.assignmentId}`}>
                  {t('missing.questionnaire', { title: q.title })}
                </Link>
                {q.subject ? <span> {t('about', { name: q.subject.displayName })}</span> : null}
                <div className="portal-meta">
                  <Due at={q.dueAt} overdue={q.overdue} />
                </div>
              </li>
            ))}
            {items.map((i) => (
              <li key={i.itemId}>
                <a href={`#request-${i.requestId}`}>{itemText(i)}</a>
                <div className="portal-meta">
                  <span>{t('missing.asked', { title: i.requestTitle })}</span>
                  <Due at={i.dueAt} overdue={i.overdue} />
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function RequestCard(props: { applicationId: string; request: ClientRequest; onChanged: () => void }) {
  const { t } = useTranslation('application');
  const r = props.request;
  return (
    <article className="portal-card" id={`request-${r.id}`} aria-labelledby={`request-${r.id}-h`}>
      <h3 id={`request-${r.id}-h`}>{r.title}</h3>
      <div className="portal-meta">
        <Due at={r.dueAt} overdue={r.overdue} withTime />
        {r.status === 'completed' ? (
          <Tag kind="done">{t('requests.completed')}</Tag>
        ) : r.status === 'cancelled' ? (
          <Tag kind="warn">{t('requests.cancelled')}</Tag>
        ) : (
          <Tag kind="todo">
            {t('requests.progress', {
              done: formatNumber(r.progress.complete),
              total: formatNumber(r.progress.total),
            })}
          </Tag>
        )}
      </div>
      {r.message ? <p className="portal-pre">{r.message}</p> : null}
      <ul className="portal-items">
        {r.items.map((item) => (
          <RequestItemRow
            key={item.id}
            applicationId={props.applicationId}
            request={r}
            item={item}
            onChanged={props.onChanged}
          />
        ))}
      </ul>
    </article>
  );
}

function RequestItemRow(props: {
  applicationId: string;
  request: ClientRequest;
  item: RequestItem;
  onChanged: () => void;
}) {
  const { t } = useTranslation('application');
  const { canChange } = useSession();
  const typeName = useDocumentTypeName();
  const itemText = useItemText();
  const [answering, setAnswering] = useState(false);
  // After an upload the form stays, showing the finished progress bar and what was received.
  const [uploaded, setUploaded] = useState(false);
  const item = props.item;
  const open = props.request.status === 'open' && !item.complete;
  return (
    <li>
      <span>{itemText(item)}</span>{' '}
      {item.complete ? (
        <Tag kind="done">{t('items.done', { date: formatDate(item.completedAt) })}</Tag>
      ) : (
        <Tag kind="todo">{t('items.todo')}</Tag>
      )}
      {(open || uploaded) && item.kind === 'document' && canChange && item.subject && item.documentType ? (
        <DocumentUpload
          applicationId={props.applicationId}
          subjectId={item.subject.id}
          documentType={item.documentType}
          label={t('items.uploadLabel', { type: typeName(item.documentType), who: item.subject.displayName })}
          onUploaded={() => {
            setUploaded(true);
            props.onChanged();
          }}
        />
      ) : null}
      {open && item.kind === 'fields' && item.abilities.answer ? (
        answering ? (
          <FieldsAnswer
            applicationId={props.applicationId}
            requestId={props.request.id}
            item={item}
            onAnswered={() => {
              setAnswering(false);
              props.onChanged();
            }}
          />
        ) : (
          <p>
            <Button kind="secondary" onClick={() => setAnswering(true)}>
              {t('items.answer')}
            </Button>
          </p>
        )
      ) : null}
      {item.kind === 'questionnaire' && item.formAssignmentId ? (
        <p>
          <Link to={`/applications/${props.applicationId}/questionnaires/${item.formAssignmentId}`}>
            {t('items.openQuestionnaire')}
          </Link>
        </p>
      ) : null}
    </li>
  );
}
