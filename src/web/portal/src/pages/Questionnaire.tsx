/**
 * One questionnaire of an application: the form rendered from its definition, with the saved draft.
 * The draft is saved on request and when the client leaves the page (another page of the portal,
 * or the tab closed: a keepalive request); submitting checks every required answer on the server,
 * whose field-level errors are shown at each field. Read-only users, and submitted or cancelled
 * questionnaires, show the answers without change controls.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, type FieldError } from '../../../ui/api.ts';
import { Alert, Button, PageTitle } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { Due, Tag } from '../components/controls.tsx';
import { answersToSend, asDefinition, type Answers } from '../forms/definition.ts';
import { FieldList } from '../forms/FormRenderer.tsx';
import { currentCsrf, useSession } from '../session.tsx';
import type { AssignmentView } from '../types.ts';
import { fieldErrors, problemText, useLoad } from '../use-load.ts';

export function Questionnaire() {
  const { id = '', assignmentId = '' } = useParams();
  const url = `/api/v1/applications/${id}/forms/${assignmentId}`;
  const loaded = useLoad(() => api<AssignmentView>(url), url);
  const { t } = useTranslation('questionnaire');
  if (loaded.error)
    return (
      <>
        <PageTitle>{t('title')}</PageTitle>
        <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert>
      </>
    );
  if (!loaded.data) return <p role="status">{t('common:loading')}</p>;
  return <QuestionnaireForm key={loaded.data.id} view={loaded.data} applicationId={id} url={url} />;
}

function QuestionnaireForm(props: { view: AssignmentView; applicationId: string; url: string }) {
  const { t } = useTranslation('questionnaire');
  const { canChange } = useSession();
  const [view, setView] = useState(props.view);
  const def = asDefinition(view.definition);
  const initial = (view.status === 'open' ? view.draft?.answers : view.submission?.answers) ?? {};
  const [values, setValues] = useState<Answers>(
    typeof initial === 'object' && initial !== null ? (initial as Answers) : {},
  );
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const editable = canChange && view.status === 'open';
  // Where the focus goes once the answer is shown: the first answer in error, or the message (the
  // buttons are gone after a submission, and focus must not fall back to the top of the page).
  const [focusNext, setFocusNext] = useState<'invalid' | 'message' | null>(null);
  const messageRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (focusNext === 'invalid') {
      const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      (first ?? messageRef.current)?.focus();
    } else if (focusNext === 'message') messageRef.current?.focus();
    if (focusNext) setFocusNext(null);
  }, [focusNext]);

  // What the page would lose if left now: kept in refs for the unload and unmount handlers.
  const dirty = useRef(false);
  const latest = useRef(values);
  latest.current = values;
  const editableRef = useRef(editable);
  editableRef.current = editable;
  const defRef = useRef(def);
  defRef.current = def;

  const change = (v: Answers) => {
    dirty.current = true;
    setValues(v);
  };

  const draftUrl = `${props.url}/draft`;
  const saveOnLeave = useCallback(() => {
    const definition = defRef.current;
    if (!dirty.current || !editableRef.current || !definition) return;
    dirty.current = false;
    const csrf = currentCsrf();
    void fetch(draftUrl, {
      method: 'PUT',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: JSON.stringify({ answers: answersToSend(definition, latest.current) }),
    }).catch(() => undefined);
  }, [draftUrl]);

  useEffect(() => {
    const onHide = () => saveOnLeave();
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      saveOnLeave();
    };
  }, [saveOnLeave]);

  if (!def)
    return (
      <>
        <PageTitle>{view.title}</PageTitle>
        <Alert kind="error">{t('unreadable')}</Alert>
      </>
    );

  const failed = (err: unknown) => {
    const list = fieldErrors(err);
    setErrors(list);
    setMessage({
      kind: 'error',
      text: list.length ? t('fixErrors', { count: list.length }) : problemText(err, t('common:unavailable')),
    });
    setFocusNext(list.length ? 'invalid' : 'message');
  };

  const save = async () => {
    setBusy('save');
    setMessage(null);
    try {
      const r = await api<{ savedAt: string }>(`${props.url}/draft`, {
        method: 'PUT',
        body: { answers: answersToSend(def, values) },
      });
      dirty.current = false;
      setErrors([]);
      setView((v) => ({ ...v, draftSavedAt: r.savedAt }));
      setMessage({ kind: 'success', text: t('saved', { time: formatDate(r.savedAt, true) }) });
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  };

  const submit = async () => {
    setBusy('submit');
    setMessage(null);
    try {
      const r = await api<AssignmentView>(`${props.url}/submit`, {
        method: 'POST',
        body: { answers: answersToSend(def, values) },
      });
      dirty.current = false;
      setErrors([]);
      setView(r);
      setMessage({ kind: 'success', text: t('submitted') });
      setFocusNext('message');
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <p>
        <Link to={`/applications/${props.applicationId}`}>{t('back')}</Link>
      </p>
      <PageTitle>{view.title}</PageTitle>
      <p className="portal-meta">
        {view.subject ? <span>{t('about', { name: view.subject.name })}</span> : null}
        <Due at={view.dueAt} overdue={false} />
        {view.status === 'submitted' ? (
          <Tag kind="done">{t('status.submitted', { date: formatDate(view.submittedAt, true) })}</Tag>
        ) : view.status === 'cancelled' ? (
          <Tag kind="warn">{t('status.cancelled')}</Tag>
        ) : view.draftSavedAt ? (
          <Tag kind="info">{t('status.draft', { date: formatDate(view.draftSavedAt, true) })}</Tag>
        ) : (
          <Tag kind="todo">{t('status.open')}</Tag>
        )}
      </p>
      {!canChange && view.status === 'open' ? <Alert kind="info">{t('readOnly')}</Alert> : null}
      <div ref={messageRef} tabIndex={-1}>
        {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
      </div>
      <form
        ref={formRef}
        className="portal-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset className="portal-plain" disabled={!editable}>
          <legend className="portal-sr-only">{view.title}</legend>
          <FieldList
            fields={def.fields}
            values={values}
            onChange={change}
            errors={errors}
            path=""
            readOnly={!editable}
          />
        </fieldset>
        {editable ? (
          <div className="portal-actions">
            <Button kind="secondary" onClick={() => void save()} busy={busy === 'save'}>
              {t('saveDraft')}
            </Button>
            <Button type="submit" busy={busy === 'submit'}>
              {t('submit')}
            </Button>
          </div>
        ) : null}
      </form>
    </>
  );
}
