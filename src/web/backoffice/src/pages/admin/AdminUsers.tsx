/**
 * Staff users (right `user:manage`): search and page through them, create one (the API e-mails the
 * activation link; this page never sees it), and for the chosen user: change their name, e-mail or
 * mobile number, disable or enable, e-mail a password-reset link, remove their authenticator app
 * (lost phone; they are told by e-mail), end their sessions, assign roles (with `role:manage`).
 * Also: lift a sign-in delay, and end everyone's sessions after a suspected compromise. Every
 * change may ask for the second factor again.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError } from '../../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../../ui/i18n.ts';
import { useSession } from '../../session.tsx';
import {
  CheckField,
  ConfirmAction,
  fieldError,
  ProblemAlert,
  SelectField,
  useAction,
  useLoad,
  type RoleView,
  type StaffUserView,
} from './admin-ui.tsx';

interface UserPage {
  items: StaffUserView[];
  nextCursor: string | null;
}

export function AdminUsers() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const selected = params.get('user');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [query, setQuery] = useState({ q: '', status: '' });
  const [rows, setRows] = useState<StaffUserView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const loader = useAction();

  const load = useCallback(
    async (cursor: string | null) => {
      const qs = new URLSearchParams({ limit: '50' });
      if (query.q) qs.set('q', query.q);
      if (query.status) qs.set('status', query.status);
      if (cursor) qs.set('cursor', cursor);
      const page = await loader.run('load', () => api<UserPage>(`/api/v1/users?${qs}`));
      if (!page) return;
      setRows((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor);
    },
    [query],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q: q.trim(), status });
  };
  const select = (id: string | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('user', id);
    else p.delete('user');
    setParams(p);
  };
  const changed = (u: StaffUserView) => setRows((prev) => prev?.map((x) => (x.id === u.id ? u : x)) ?? null);

  return (
    <>
      <PageTitle>{t('users.title')}</PageTitle>
      <section aria-labelledby="users-list">
        <h2 id="users-list">{t('users.listTitle')}</h2>
        <form onSubmit={search} className="admin-inline-form" role="search" aria-label={t('users.search')}>
          <Field label={t('users.searchLabel')} name="q" value={q} onChange={setQ} />
          <SelectField label={t('users.status')} name="status" value={status} onChange={setStatus}>
            <option value="">{t('users.anyStatus')}</option>
            <option value="active">{t('users.statuses.active')}</option>
            <option value="disabled">{t('users.statuses.disabled')}</option>
          </SelectField>
          <Button type="submit">{t('users.search')}</Button>
        </form>
        <ProblemAlert error={loader.error} />
        {rows === null ? (
          <p role="status">{t('common.loading')}</p>
        ) : rows.length === 0 ? (
          <p>{t('users.none')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="admin-sr-only">{t('users.listTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('users.username')}</th>
                  <th scope="col">{t('users.displayName')}</th>
                  <th scope="col">{t('users.email')}</th>
                  <th scope="col">{t('users.status')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((u) => (
                  <tr
                    key={u.id}
                    aria-current={u.id === selected ? 'true' : undefined}
                    className={u.id === selected ? 'admin-selected' : undefined}
                  >
                    <th scope="row">{u.username}</th>
                    <td>{u.displayName}</td>
                    <td>{u.email}</td>
                    <td>
                      {t(`users.statuses.${u.status}`)}
                      {!u.activated ? ` (${t('users.notActivated')})` : ''}
                    </td>
                    <td>
                      <Button kind="secondary" onClick={() => select(u.id)}>
                        {t('users.manage', { name: u.username })}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {next ? (
          <Button kind="secondary" busy={loader.busy === 'load'} onClick={() => void load(next)}>
            {t('common.more')}
          </Button>
        ) : null}
      </section>

      {selected ? (
        <UserDetail key={selected} id={selected} onChanged={changed} onClose={() => select(null)} />
      ) : null}

      <CreateUser
        onCreated={(u) => {
          setRows((prev) => [u, ...(prev ?? [])]);
          select(u.id);
        }}
      />
      <LiftDelay />
      <EndAllSessions />
    </>
  );
}

function CreateUser(props: { onCreated: (u: StaffUserView) => void }) {
  const { t } = useTranslation('admin');
  const action = useAction();
  const empty = { username: '', displayName: '', email: '', mobile: '' };
  const [v, setV] = useState(empty);
  const [done, setDone] = useState<{ name: string; expiresAt: string; emailed: boolean } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const r = await action.run('create', () =>
      api<{ user: StaffUserView; activation: { expiresAt: string; emailed: boolean } }>('/api/v1/users', {
        method: 'POST',
        body: {
          username: v.username.trim(),
          displayName: v.displayName.trim(),
          email: v.email.trim(),
          ...(v.mobile.trim() ? { mobile: v.mobile.trim() } : {}),
        },
      }),
    );
    if (!r) return;
    setDone({ name: r.user.username, ...r.activation });
    setV(empty);
    props.onCreated(r.user);
  };
  return (
    <section aria-labelledby="user-create">
      <h2 id="user-create">{t('users.createTitle')}</h2>
      <p>{t('users.createIntro')}</p>
      {done ? (
        <Alert kind={done.emailed ? 'success' : 'error'}>
          {done.emailed
            ? t('users.activationSent', { name: done.name, date: formatDate(done.expiresAt, true) })
            : t('users.activationNotSent', { name: done.name })}
        </Alert>
      ) : null}
      <ProblemAlert error={action.error} />
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label={t('users.username')}
          name="username"
          value={v.username}
          onChange={(username) => setV({ ...v, username })}
          error={fieldError(action.error, 'username')}
          autoComplete="off"
          required
        />
        <Field
          label={t('users.displayName')}
          name="displayName"
          value={v.displayName}
          onChange={(displayName) => setV({ ...v, displayName })}
          error={fieldError(action.error, 'displayName')}
          required
        />
        <Field
          label={t('users.email')}
          name="email"
          type="email"
          value={v.email}
          onChange={(email) => setV({ ...v, email })}
          error={fieldError(action.error, 'email')}
          autoComplete="off"
          required
        />
        <Field
          label={t('users.mobile')}
          name="mobile"
          type="tel"
          inputMode="tel"
          value={v.mobile}
          onChange={(mobile) => setV({ ...v, mobile })}
          error={fieldError(action.error, 'mobile')}
          hint={t('users.mobileHint')}
        />
        <Button type="submit" busy={action.busy === 'create'}>
          {t('users.create')}
        </Button>
      </form>
    </section>
  );
}

interface SessionItem {
  id: string;
  stage: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  secondFactor: string | null;
  ip: string | null;
}

function UserDetail(props: { id: string; onChanged: (u: StaffUserView) => void; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const { can, current } = useSession();
  const user = useLoad<StaffUserView>(`/api/v1/users/${props.id}`);
  const sessions = useLoad<{ items: SessionItem[] }>(`/api/v1/users/${props.id}/sessions`);
  const ssoIds = useLoad<{
    items: { provider: string; providerName: string; lastSignInAt: string | null }[];
  }>(`/api/v1/users/${props.id}/sso-identities`);
  const action = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const [u, setU] = useState<StaffUserView | null>(null);
  useEffect(() => setU(user.data), [user.data]);

  const act = async (key: string, call: () => Promise<StaffUserView>, ok: (u: StaffUserView) => string) => {
    setMessage(null);
    const r = await action.run(key, call);
    if (!r) return;
    setU(r);
    props.onChanged(r);
    setMessage(ok(r));
    sessions.reload();
  };

  if (user.error) return <ProblemAlert error={user.error} />;
  if (!u) return <p role="status">{t('common.loading')}</p>;
  const self = current?.user.id === u.id;
  const live = sessions.data?.items.filter((s) => s.stage === 'active').length ?? 0;

  return (
    <section aria-labelledby="user-detail" className="admin-panel">
      <h2 id="user-detail">{t('users.detailTitle', { name: u.displayName, username: u.username })}</h2>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <ProblemAlert error={action.error} />
      <dl className="admin-facts">
        <dt>{t('users.status')}</dt>
        <dd>
          {t(`users.statuses.${u.status}`)}
          {u.disabledAt ? ` (${formatDate(u.disabledAt, true)})` : ''}
        </dd>
        <dt>{t('users.source')}</dt>
        <dd>{u.source === 'directory' ? t('users.sourceDirectory') : t('users.sourceLocal')}</dd>
        <dt>{t('users.activated')}</dt>
        <dd>{u.activated ? t('common.yes') : t('users.notActivated')}</dd>
        <dt>{t('users.email')}</dt>
        <dd>{u.email}</dd>
        <dt>{t('users.mobile')}</dt>
        <dd>{u.mobileMasked ?? t('common.none')}</dd>
        <dt>{t('users.passwordChangedAt')}</dt>
        <dd>{u.passwordChangedAt ? formatDate(u.passwordChangedAt, true) : t('common.never')}</dd>
        <dt>{t('users.liveSessions')}</dt>
        <dd>{sessions.data ? formatNumber(live) : '…'}</dd>
        <dt>{t('users.ssoIdentities')}</dt>
        <dd>
          {!ssoIds.data
            ? '…'
            : ssoIds.data.items.length === 0
              ? t('common.none')
              : ssoIds.data.items
                  .map((i) =>
                    t('users.ssoIdentity', {
                      provider: i.providerName,
                      date: i.lastSignInAt ? formatDate(i.lastSignInAt, true) : t('common.never'),
                    }),
                  )
                  .join('; ')}
        </dd>
      </dl>
      <div className="admin-actions">
        {u.status === 'active' ? (
          self ? null : (
            <ConfirmAction
              kind="danger"
              label={t('users.disable')}
              question={t('users.disableQuestion', { name: u.username })}
              confirmLabel={t('users.disableConfirm')}
              busy={action.busy === 'disable'}
              onConfirm={() =>
                act(
                  'disable',
                  () => api<StaffUserView>(`/api/v1/users/${u.id}/disable`, { method: 'POST' }),
                  (x) => t('users.disabled', { name: x.username }),
                )
              }
            />
          )
        ) : (
          <Button
            kind="secondary"
            busy={action.busy === 'enable'}
            onClick={() =>
              void act(
                'enable',
                () => api<StaffUserView>(`/api/v1/users/${u.id}/enable`, { method: 'POST' }),
                (x) => t('users.enabled', { name: x.username }),
              )
            }
          >
            {t('users.enable')}
          </Button>
        )}
        {u.source === 'directory' ? null : (
          <Button
            kind="secondary"
            busy={action.busy === 'reset'}
            onClick={() =>
              void (async () => {
                setMessage(null);
                const r = await action.run('reset', () =>
                  api<{ expiresAt: string; emailed: boolean }>(`/api/v1/users/${u.id}/password-reset`, {
                    method: 'POST',
                  }),
                );
                if (r)
                  setMessage(
                    r.emailed
                      ? t('users.resetSent', { date: formatDate(r.expiresAt, true) })
                      : t('users.resetNotSent'),
                  );
              })()
            }
          >
            {u.activated ? t('users.reset') : t('users.resendActivation')}
          </Button>
        )}
        <ConfirmAction
          label={t('users.endSessions')}
          question={t('users.endSessionsQuestion', { name: u.username })}
          confirmLabel={t('users.endSessionsConfirm')}
          busy={action.busy === 'sessions'}
          onConfirm={async () => {
            setMessage(null);
            const r = await action.run('sessions', () =>
              api<{ ended: number }>(`/api/v1/users/${u.id}/sessions`, { method: 'DELETE' }),
            );
            if (r) {
              setMessage(t('users.sessionsEnded', { count: r.ended }));
              sessions.reload();
            }
          }}
        />
        {can('audit:read') ? (
          <Link to={`/admin/audit?actor=${encodeURIComponent(`staff:${u.id}`)}`}>{t('users.auditLink')}</Link>
        ) : null}
        <Button kind="secondary" onClick={props.onClose}>
          {t('common.close')}
        </Button>
      </div>
      <EditUser
        user={u}
        onSaved={(x) => {
          setU(x);
          props.onChanged(x);
        }}
        onStale={user.reload}
      />
      <UserAuthenticator userId={u.id} username={u.username} />
      <UserPasskeys userId={u.id} username={u.username} />
      {can('role:manage') ? <UserRoles userId={u.id} username={u.username} /> : null}
    </section>
  );
}

/**
 * The user's display name, e-mail and mobile number. Only changed fields are sent, with the
 * version last read: if someone else changed the user meanwhile, the API refuses (409) and the
 * latest details are loaded. A new or removed mobile number is audited and the user told by e-mail.
 */
function EditUser(props: { user: StaffUserView; onSaved: (u: StaffUserView) => void; onStale: () => void }) {
  const { t } = useTranslation('admin');
  const { user: u } = props;
  const action = useAction();
  const [displayName, setDisplayName] = useState(u.displayName);
  const [email, setEmail] = useState(u.email);
  const [mobile, setMobile] = useState('');
  const [removeMobile, setRemoveMobile] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    setDisplayName(u.displayName);
    setEmail(u.email);
    setMobile('');
    setRemoveMobile(false);
  }, [u.version, u.displayName, u.email]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const body: { version: number; displayName?: string; email?: string; mobile?: string | null } = {
      version: u.version,
    };
    if (displayName.trim() !== u.displayName) body.displayName = displayName.trim();
    if (email.trim() !== u.email) body.email = email.trim();
    if (removeMobile) body.mobile = null;
    else if (mobile.trim()) body.mobile = mobile.trim();
    if (Object.keys(body).length === 1) {
      setMessage(t('users.nothingChanged'));
      return;
    }
    const r = await action.run('save', async () => {
      try {
        return await api<StaffUserView>(`/api/v1/users/${u.id}`, { method: 'PATCH', body });
      } catch (err) {
        if (isStale(err)) props.onStale();
        throw err;
      }
    });
    if (r) {
      props.onSaved(r);
      setMessage(t('users.detailsSaved', { name: r.username }));
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-subform">
      <fieldset>
        <legend>{t('users.editTitle', { name: u.username })}</legend>
        <p className="hint">{t('users.editIntro')}</p>
        {message ? <Alert kind="success">{message}</Alert> : null}
        {isStale(action.error) ? (
          <Alert kind="error">{t('users.staleVersion')}</Alert>
        ) : (
          <ProblemAlert error={action.error} />
        )}
        <Field
          label={t('users.displayName')}
          name="edit-displayName"
          value={displayName}
          onChange={setDisplayName}
          error={fieldError(action.error, 'displayName')}
          required
        />
        <Field
          label={t('users.email')}
          name="edit-email"
          type="email"
          value={email}
          onChange={setEmail}
          error={fieldError(action.error, 'email')}
          autoComplete="off"
          required
        />
        <Field
          label={u.mobileMasked ? t('users.newMobile') : t('users.mobile')}
          name="edit-mobile"
          type="tel"
          inputMode="tel"
          value={removeMobile ? '' : mobile}
          onChange={(v) => {
            setMobile(v);
            if (v) setRemoveMobile(false);
          }}
          error={fieldError(action.error, 'mobile')}
          hint={
            u.mobileMasked ? t('users.newMobileHint', { current: u.mobileMasked }) : t('users.mobileHint')
          }
          autoComplete="off"
        />
        {u.mobileMasked ? (
          <CheckField
            label={t('users.removeMobile', { current: u.mobileMasked })}
            name="edit-remove-mobile"
            checked={removeMobile}
            onChange={(v) => {
              setRemoveMobile(v);
              if (v) setMobile('');
            }}
          />
        ) : null}
        <Button type="submit" busy={action.busy === 'save'}>
          {t('users.saveDetails')}
        </Button>
      </fieldset>
    </form>
  );
}

/** Whether a change was refused because the user changed since it was read. */
function isStale(err: unknown): boolean {
  return err instanceof ApiError && err.body['code'] === 'version_conflict';
}

interface FactorsView {
  totp: { confirmedAt: string } | null;
  totpPending: boolean;
  recoveryCodesRemaining: number;
}

/** Whether the user has an authenticator app, and its removal (a lost or replaced phone). */
function UserAuthenticator(props: { userId: string; username: string }) {
  const { t } = useTranslation('admin');
  const factors = useLoad<FactorsView>(`/api/v1/users/${props.userId}/factors`);
  const action = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const f = factors.data;

  const remove = async () => {
    setMessage(null);
    const r = await action.run('remove', () =>
      api<void>(`/api/v1/users/${props.userId}/factors/totp`, { method: 'DELETE' }).then(() => true),
    );
    if (r) setMessage(t('users.authRemoved', { name: props.username }));
    factors.reload();
  };

  return (
    <section aria-labelledby="user-authenticator" className="admin-users-authenticator">
      <h3 id="user-authenticator">{t('users.authTitle')}</h3>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <ProblemAlert error={action.error ?? factors.error} />
      {f === null ? (
        factors.error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <p>
            {f.totp
              ? t('users.authActive', { date: formatDate(f.totp.confirmedAt, true) })
              : f.totpPending
                ? t('users.authPending')
                : t('users.authNone')}{' '}
            {t('users.recoveryLeft', {
              count: f.recoveryCodesRemaining,
              n: formatNumber(f.recoveryCodesRemaining),
            })}
          </p>
          {f.totp || f.totpPending ? (
            <ConfirmAction
              kind="danger"
              label={t('users.removeAuth')}
              question={t('users.removeAuthQuestion', { name: props.username })}
              confirmLabel={t('users.removeAuthConfirm')}
              busy={action.busy === 'remove'}
              onConfirm={remove}
            />
          ) : null}
        </>
      )}
    </section>
  );
}

/** The user's passkeys, and the removal of one (a lost or stolen device); the user is e-mailed. */
function UserPasskeys(props: { userId: string; username: string }) {
  const { t } = useTranslation('admin');
  const list = useLoad<{
    items: { id: string; name: string; createdAt: string; lastUsedAt: string | null }[];
  }>(`/api/v1/users/${props.userId}/passkeys`);
  const action = useAction();
  const [message, setMessage] = useState<string | null>(null);

  const remove = async (id: string, name: string) => {
    setMessage(null);
    const r = await action.run(`remove:${id}`, () =>
      api<void>(`/api/v1/users/${props.userId}/passkeys/${id}`, { method: 'DELETE' }).then(() => true),
    );
    if (r) setMessage(t('users.passkeyRemoved', { name, user: props.username }));
    list.reload();
  };

  return (
    <section aria-labelledby="user-passkeys" className="admin-users-authenticator">
      <h3 id="user-passkeys">{t('users.passkeysTitle')}</h3>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <ProblemAlert error={action.error ?? list.error} />
      {list.data === null ? (
        list.error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : list.data.items.length === 0 ? (
        <p>{t('users.passkeysNone')}</p>
      ) : (
        <ul>
          {list.data.items.map((p) => (
            <li key={p.id}>
              {t('users.passkeyLine', {
                name: p.name,
                added: formatDate(p.createdAt, true),
                used: p.lastUsedAt ? formatDate(p.lastUsedAt, true) : t('users.passkeyNeverUsed'),
              })}{' '}
              <ConfirmAction
                kind="danger"
                label={t('users.removePasskey', { name: p.name })}
                question={t('users.removePasskeyQuestion', { name: p.name, user: props.username })}
                confirmLabel={t('users.removeAuthConfirm')}
                busy={action.busy === `remove:${p.id}`}
                onConfirm={() => remove(p.id, p.name)}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function UserRoles(props: { userId: string; username: string }) {
  const { t } = useTranslation('admin');
  const all = useLoad<{ items: RoleView[] }>('/api/v1/roles');
  const held = useLoad<{ items: RoleView[] }>(`/api/v1/users/${props.userId}/roles`);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction();
  useEffect(() => {
    if (held.data) setChosen(held.data.items.map((r) => r.id));
  }, [held.data]);
  const names = useMemo(() => new Map(all.data?.items.map((r) => [r.id, r.name]) ?? []), [all.data]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const r = await action.run('save', () =>
      api<{ items: RoleView[] }>(`/api/v1/users/${props.userId}/roles`, {
        method: 'PUT',
        body: { roleIds: chosen ?? [] },
      }),
    );
    if (r) {
      setChosen(r.items.map((x) => x.id));
      setMessage(t('users.rolesSaved', { name: props.username }));
    }
  };

  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <fieldset className="admin-rights-group">
        <legend>{t('users.rolesOf', { name: props.username })}</legend>
        {message ? <Alert kind="success">{message}</Alert> : null}
        <ProblemAlert
          error={action.error ?? all.error ?? held.error}
          roleName={(id) => names.get(id)}
          userName={(id) => (id === props.userId ? props.username : undefined)}
        />
        {all.data && chosen ? (
          all.data.items.map((r) => (
            <CheckField
              key={r.id}
              name="roles"
              label={r.name}
              hint={r.rights.join(', ')}
              checked={chosen.includes(r.id)}
              onChange={(on) => setChosen(on ? [...chosen, r.id] : chosen.filter((x) => x !== r.id))}
            />
          ))
        ) : (
          <p role="status">{t('common.loading')}</p>
        )}
        <Button type="submit" busy={action.busy === 'save'}>
          {t('users.saveRoles')}
        </Button>
      </fieldset>
    </form>
  );
}

function LiftDelay() {
  const { t } = useTranslation('admin');
  const action = useAction();
  const [kind, setKind] = useState<'username' | 'ip'>('username');
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const r = await action.run('lift', () =>
      api<{ cleared: number }>('/api/v1/auth/delays/lift', {
        method: 'POST',
        body: kind === 'username' ? { username: value.trim() } : { ip: value.trim() },
      }),
    );
    if (r) setMessage(t('users.delayLifted', { count: r.cleared }));
  };
  return (
    <section aria-labelledby="lift-delay">
      <h2 id="lift-delay">{t('users.delayTitle')}</h2>
      <p>{t('users.delayIntro')}</p>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <ProblemAlert error={action.error} />
      <form onSubmit={(e) => void submit(e)} noValidate className="admin-inline-form">
        <SelectField
          label={t('users.delayKind')}
          name="delay-kind"
          value={kind}
          onChange={(v) => setKind(v === 'ip' ? 'ip' : 'username')}
        >
          <option value="username">{t('users.delayByUsername')}</option>
          <option value="ip">{t('users.delayByIp')}</option>
        </SelectField>
        <Field
          label={kind === 'username' ? t('users.username') : t('users.ip')}
          name="delay-value"
          value={value}
          onChange={setValue}
          error={fieldError(action.error, kind)}
          required
        />
        <Button type="submit" busy={action.busy === 'lift'}>
          {t('users.liftDelay')}
        </Button>
      </form>
    </section>
  );
}

/**
 * Ends every live session, staff and client portal alike, except the administrator's own: the
 * response after a suspected compromise. Confirmed in place, saying exactly who is signed out.
 */
function EndAllSessions() {
  const { t } = useTranslation('admin');
  const action = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const endAll = async () => {
    setMessage(null);
    const r = await action.run('end-all', () =>
      api<{ ended: number }>('/api/v1/sessions', { method: 'DELETE' }),
    );
    if (r) setMessage(t('users.endAllDone', { count: r.ended, n: formatNumber(r.ended) }));
  };
  return (
    <section aria-labelledby="end-all-sessions">
      <h2 id="end-all-sessions">{t('users.endAllTitle')}</h2>
      <p>{t('users.endAllIntro')}</p>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <ProblemAlert error={action.error} />
      <ConfirmAction
        kind="danger"
        label={t('users.endAll')}
        question={t('users.endAllQuestion')}
        confirmLabel={t('users.endAllConfirm')}
        busy={action.busy === 'end-all'}
        onConfirm={endAll}
      />
    </section>
  );
}
