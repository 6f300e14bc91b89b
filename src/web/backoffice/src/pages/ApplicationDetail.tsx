/**
 * One application: its summary, subjects and roles, the status moves the user may make (from the
 * view's `abilities`, computed by the server's own policies), the four-eyes decision awaiting a
 * second person (confirm or reject, offered only to someone who may), the decision history, and
 * notes (add; share with the client organisation on the portal, or stop sharing). The API checks
 * everything again: a refusal is shown with its reason.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, errorFor, PageTitle } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { AREAS } from '../areas.tsx';
import { useSession } from '../session.tsx';
import { useStepUp } from '../step-up.tsx';
import { CheckboxField, TextAreaField } from './Controls.tsx';
import {
  isMe,
  statusLabel,
  useDashboard,
  type ApplicationDetail as Detail,
  type Decision,
  type Note,
  type Page,
} from './applications-data.ts';

const KNOWN_REFUSALS = ['same_person', 'missing_right', 'risk_too_high', 'screening_not_clear'];

export function ApplicationDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation('applications');
  const { current } = useSession();
  const me = current!.user.id;
  const withStepUp = useStepUp();
  const { data: dash } = useDashboard();
  const [app, setApp] = useState<Detail | null>(null);
  const [decisions, setDecisions] = useState<Decision[]>([]);
  const [notes, setNotes] = useState<Note[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [decisionReason, setDecisionReason] = useState('');
  const [noteBody, setNoteBody] = useState('');
  const [noteShared, setNoteShared] = useState(false);
  const [noteErrors, setNoteErrors] = useState<ApiError['errors']>([]);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const noteFormRef = useRef<HTMLFormElement>(null);

  const load = useCallback(async () => {
    try {
      const [a, d, n] = await Promise.all([
        api<Detail>(`/api/v1/applications/${id}`),
        api<Page<Decision>>(`/api/v1/applications/${id}/decisions?limit=50`),
        api<Page<Note>>(`/api/v1/applications/${id}/notes?limit=100`),
      ]);
      setApp(a);
      setDecisions(d.items);
      setNotes(n.items);
      setLoadError(null);
    } catch (err) {
      setLoadError(
        err instanceof ApiError && err.status === 404 ? t('detail.notFound') : (err as Error).message,
      );
    }
  }, [id, t]);
  useEffect(() => {
    void load();
  }, [load]);

  const label = (status: string) => statusLabel(dash, status, app?.programme.id);
  /** The refusal in the user's words when the API names a known reason, else the API's own message. */
  const explain = (err: unknown): string => {
    if (err instanceof ApiError) {
      if (err.reason && KNOWN_REFUSALS.includes(err.reason))
        return `${t(`refusal.${err.reason}`)} (${err.message})`;
      return err.message;
    }
    return String(err);
  };

  /**
   * Runs a change (with step-up when the API asks for it), then reloads the page's data. A busy
   * button is disabled, which drops the keyboard focus to the top of the page: when that happened,
   * the focus goes to the outcome message, so that the user goes on from there.
   */
  const run = async (key: string, change: () => Promise<string>) => {
    setBusy(key);
    setActionError(null);
    setDone(null);
    try {
      const message = await withStepUp(change);
      setDone(message);
      await load();
    } catch (err) {
      setActionError(explain(err));
    } finally {
      setBusy(null);
    }
    const active = document.activeElement;
    if (!active || active === document.body) outcomeRef.current?.focus();
  };

  const move = (to: string) =>
    run(`move:${to}`, async () => {
      const r = await api<Detail | Decision>(`/api/v1/applications/${id}/transitions`, {
        method: 'POST',
        body: { to, version: app!.version, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      setReason('');
      return 'preparedBy' in r ? t('done.prepared', { to: label(to) }) : t('done.moved', { to: label(to) });
    });

  const decide = (decision: Decision, verb: 'confirm' | 'reject') =>
    run(`decide:${verb}`, async () => {
      await api(`/api/v1/applications/${id}/decisions/${decision.id}/${verb}`, {
        method: 'POST',
        body: decisionReason.trim() ? { reason: decisionReason.trim() } : {},
      });
      setDecisionReason('');
      return t(verb === 'confirm' ? 'done.confirmed' : 'done.rejected', { to: label(decision.to) });
    });

  const addNote = async (e: FormEvent) => {
    e.preventDefault();
    setNoteErrors([]);
    await run('note', async () => {
      try {
        await api(`/api/v1/applications/${id}/notes`, {
          method: 'POST',
          body: { body: noteBody, shared: noteShared },
        });
      } catch (err) {
        if (err instanceof ApiError) setNoteErrors(err.errors);
        throw err;
      }
      setNoteBody('');
      setNoteShared(false);
      return t('done.noteAdded');
    });
    // Back in the note field: ready for the next note, or to correct this one.
    noteFormRef.current?.querySelector('textarea')?.focus();
  };

  const share = (note: Note, shared: boolean) =>
    run(`share:${note.id}`, async () => {
      await api(`/api/v1/applications/${id}/notes/${note.id}/sharing`, { method: 'POST', body: { shared } });
      return t(shared ? 'done.shared' : 'done.unshared');
    });

  if (loadError)
    return (
      <>
        <PageTitle>{t('detail.title')}</PageTitle>
        <Alert kind="error">{loadError}</Alert>
        <p>
          <Link to="/applications">{t('detail.back')}</Link>
        </p>
      </>
    );
  if (!app)
    return (
      <>
        <PageTitle>{t('detail.title')}</PageTitle>
        <p role="status">{t('loading')}</p>
      </>
    );

  const abilities = app.abilities;
  const allowed = abilities?.transitions.filter((m) => m.allowed) ?? [];
  const refused = abilities?.transitions.filter((m) => !m.allowed) ?? [];
  const pending = app.pendingDecision;
  const subjectLinks = AREAS.some((a) => (a.routePath ?? a.path) === '/subjects/:id');
  /** Who an actor reference is, in words: you, the person's or key's current name, else its kind. */
  const who = (ref: string | null, name: string | null) => {
    if (!ref) return '';
    if (isMe(ref, me)) return t('actor.you');
    const kind = ref.slice(0, ref.indexOf(':'));
    if (kind === 'client') return name ? t('actor.clientNamed', { name }) : t('actor.client');
    if (kind === 'api_key') return name ? t('actor.apiKeyNamed', { name }) : t('actor.apiKey');
    return name ?? t('actor.other');
  };

  return (
    <div className="apps-page">
      <p className="apps-breadcrumb">
        <Link to="/applications">{t('detail.back')}</Link>
      </p>
      <PageTitle>{t('detail.heading', { reference: app.reference })}</PageTitle>
      <div ref={outcomeRef} tabIndex={-1} className="apps-outcome">
        {actionError ? <Alert kind="error">{actionError}</Alert> : null}
        {done ? <Alert kind="success">{done}</Alert> : null}
      </div>

      <dl className="apps-summary">
        <dt>{t('col.programme')}</dt>
        <dd>{app.programme.name}</dd>
        <dt>{t('col.status')}</dt>
        <dd>{label(app.status)}</dd>
        <dt>{t('col.risk')}</dt>
        <dd>{t(`risk.${app.riskLevel ?? 'unknown'}`)}</dd>
        <dt>{t('col.assignee')}</dt>
        <dd>{app.assignee ? app.assignee.displayName : t('unassigned')}</dd>
        <dt>{t('detail.created')}</dt>
        <dd>{formatDate(app.createdAt, true)}</dd>
        <dt>{t('col.updated')}</dt>
        <dd>{formatDate(app.updatedAt, true)}</dd>
      </dl>

      <section aria-labelledby="apps-subjects">
        <h2 id="apps-subjects">{t('subjects.title')}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('subjects.name')}</th>
                <th scope="col">{t('subjects.kind')}</th>
                <th scope="col">{t('subjects.role')}</th>
                <th scope="col">{t('subjects.addedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {app.subjects.map((s) => (
                <tr key={`${s.id}:${s.role}`}>
                  <th scope="row">
                    {subjectLinks ? <Link to={`/subjects/${s.id}`}>{s.displayName}</Link> : s.displayName}
                  </th>
                  <td>{t(`kind.${s.kind}`)}</td>
                  <td>{t(`role.${s.role}`, { defaultValue: s.role })}</td>
                  <td>{s.addedBy ? who(s.addedBy, s.addedByName) : t('actor.staff')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="apps-decision" className="apps-panel">
        <h2 id="apps-decision">{t('status.title')}</h2>
        {pending ? (
          <div className="apps-pending">
            <p>
              <strong>{t('pending.summary', { from: label(pending.from), to: label(pending.to) })}</strong>
            </p>
            <p>
              {t('pending.prepared', {
                who: who(pending.preparedBy, pending.preparedByName),
                when: formatDate(pending.preparedAt, true),
              })}
              {pending.reason ? ` ${t('pending.reason', { reason: pending.reason })}` : ''}
            </p>
            {abilities?.decide ? (
              <>
                <TextAreaField
                  label={t('pending.decisionReason')}
                  name="decisionReason"
                  value={decisionReason}
                  onChange={setDecisionReason}
                  rows={2}
                />
                <div className="apps-actions">
                  <Button busy={busy === 'decide:confirm'} onClick={() => void decide(pending, 'confirm')}>
                    {t('pending.confirm', { to: label(pending.to) })}
                  </Button>
                  <Button
                    kind="danger"
                    busy={busy === 'decide:reject'}
                    onClick={() => void decide(pending, 'reject')}
                  >
                    {t('pending.reject')}
                  </Button>
                </div>
              </>
            ) : (
              <p className="apps-why">
                {isMe(pending.preparedBy, me) ? t('pending.youPrepared') : t('pending.notYours')}
              </p>
            )}
          </div>
        ) : null}
        {allowed.length ? (
          <>
            <TextAreaField
              label={t('status.reason')}
              name="reason"
              value={reason}
              onChange={setReason}
              rows={2}
            />
            <div className="apps-actions">
              {allowed.map((m) => (
                <Button
                  key={m.to}
                  kind={m.fourEyes ? 'primary' : 'secondary'}
                  busy={busy === `move:${m.to}`}
                  onClick={() => void move(m.to)}
                >
                  {m.fourEyes
                    ? t('status.prepare', { to: label(m.to) })
                    : t('status.move', { to: label(m.to) })}
                </Button>
              ))}
            </div>
            {allowed.some((m) => m.fourEyes) ? <p className="hint">{t('status.fourEyesHint')}</p> : null}
          </>
        ) : !pending ? (
          <p>{t('status.none')}</p>
        ) : null}
        {refused.length ? (
          <>
            <h3>{t('status.notForYou')}</h3>
            <ul>
              {refused.map((m) => (
                <li key={m.to}>
                  {label(m.to)}: {t(`refusal.${m.refusal ?? 'missing_right'}`, { defaultValue: m.refusal })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      {decisions.length ? (
        <section aria-labelledby="apps-history">
          <h2 id="apps-history">{t('history.title')}</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('history.move')}</th>
                  <th scope="col">{t('history.status')}</th>
                  <th scope="col">{t('history.prepared')}</th>
                  <th scope="col">{t('history.decided')}</th>
                </tr>
              </thead>
              <tbody>
                {decisions.map((d) => (
                  <tr key={d.id}>
                    <th scope="row">
                      {label(d.from)} → {label(d.to)}
                    </th>
                    <td>{t(`decision.${d.status}`)}</td>
                    <td>
                      {who(d.preparedBy, d.preparedByName)}, {formatDate(d.preparedAt, true)}
                    </td>
                    <td>
                      {d.decidedAt
                        ? `${who(d.decidedBy, d.decidedByName)}, ${formatDate(d.decidedAt, true)}`
                        : ''}
                      {d.decidedReason ? ` (${d.decidedReason})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="apps-notes">
        <h2 id="apps-notes">{t('notes.title')}</h2>
        {notes.length === 0 ? <p>{t('notes.none')}</p> : null}
        <ul className="apps-notes">
          {notes.map((n) => (
            <li key={n.id} className="apps-note">
              <p className="apps-note-meta">
                {who(n.author, n.authorName)}, {formatDate(n.createdAt, true)}
                {' · '}
                <span className={n.sharedWithClient ? 'apps-badge apps-badge-shared' : 'apps-badge'}>
                  {n.sharedWithClient ? t('notes.sharedBadge') : t('notes.internalBadge')}
                </span>
                {n.authorKind === 'staff' && n.sharedWithClient && n.sharedBy && n.sharedBy !== n.author
                  ? ` ${t('notes.sharedBy', { who: who(n.sharedBy, n.sharedByName) })}`
                  : null}
              </p>
              <p className="apps-note-body">{n.body}</p>
              {abilities?.edit && n.authorKind === 'staff' ? (
                <Button
                  kind="secondary"
                  busy={busy === `share:${n.id}`}
                  onClick={() => void share(n, !n.sharedWithClient)}
                >
                  {n.sharedWithClient ? t('notes.unshare') : t('notes.share')}
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
        {abilities?.addNote ? (
          <form ref={noteFormRef} onSubmit={(e) => void addNote(e)} noValidate className="apps-note-form">
            <h3>{t('notes.add')}</h3>
            <TextAreaField
              label={t('notes.body')}
              name="noteBody"
              value={noteBody}
              onChange={setNoteBody}
              error={errorFor(noteErrors, 'body/body') ?? errorFor(noteErrors, '/body')}
              required
            />
            <CheckboxField
              label={t('notes.shareWithClient')}
              name="noteShared"
              checked={noteShared}
              onChange={setNoteShared}
            />
            <Button type="submit" busy={busy === 'note'}>
              {t('notes.submit')}
            </Button>
          </form>
        ) : null}
      </section>
    </div>
  );
}
