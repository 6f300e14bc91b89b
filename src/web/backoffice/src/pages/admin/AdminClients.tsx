/**
 * Client organisations and their portal users (right `client:manage`): list and create
 * organisations, disable or re-enable one, list its users with their roles, create a user, send a
 * user an invitation (optionally naming the application to complete, chosen among the
 * organisation's applications the administrator may see, which needs `application:read`;
 * optionally with an SMS notice; the link goes to the user by e-mail only), and disable a user
 * (their sessions end at once).
 * Changes that let someone in or shut them out may ask for the second factor again.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../../../../ui/api.ts';
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
} from './admin-ui.tsx';

interface Organisation {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  users: number;
  createdAt: string;
  version: number;
}
type ClientRole = 'owner' | 'contributor' | 'read_only';
interface ClientUser {
  id: string;
  organisationId: string;
  username: string;
  email: string;
  displayName: string;
  role: ClientRole;
  status: 'invited' | 'active' | 'disabled';
  mobile: string | null;
  createdAt: string;
  version: number;
}

export function AdminClients() {
  const { t } = useTranslation('admin');
  const orgs = useLoad<{ items: Organisation[] }>('/api/v1/client-organisations');
  const [params, setParams] = useSearchParams();
  const selected = params.get('organisation');
  const action = useAction();
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const select = (id: string | null) => setParams(id ? { organisation: id } : {});

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const r = await action.run('create', () =>
      api<Organisation>('/api/v1/client-organisations', { method: 'POST', body: { name: name.trim() } }),
    );
    if (!r) return;
    setMessage(t('clients.created', { name: r.name }));
    setName('');
    orgs.reload();
    select(r.id);
  };
  const org = orgs.data?.items.find((o) => o.id === selected) ?? null;

  return (
    <>
      <PageTitle>{t('clients.title')}</PageTitle>
      <p>{t('clients.intro')}</p>
      <section aria-labelledby="orgs-list">
        <h2 id="orgs-list">{t('clients.listTitle')}</h2>
        {message ? <Alert kind="success">{message}</Alert> : null}
        <ProblemAlert error={action.error ?? orgs.error} />
        {orgs.data === null ? (
          <p role="status">{t('common.loading')}</p>
        ) : orgs.data.items.length === 0 ? (
          <p>{t('clients.none')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="admin-sr-only">{t('clients.listTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('clients.name')}</th>
                  <th scope="col">{t('clients.status')}</th>
                  <th scope="col">{t('clients.users')}</th>
                  <th scope="col">{t('clients.createdOn')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {orgs.data.items.map((o) => (
                  <tr
                    key={o.id}
                    aria-current={o.id === selected ? 'true' : undefined}
                    className={o.id === selected ? 'admin-selected' : undefined}
                  >
                    <th scope="row">{o.name}</th>
                    <td>{t(`clients.orgStatuses.${o.status}`)}</td>
                    <td>{formatNumber(o.users)}</td>
                    <td>{formatDate(o.createdAt)}</td>
                    <td>
                      <Button kind="secondary" onClick={() => select(o.id)}>
                        {t('clients.open', { name: o.name })}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form onSubmit={(e) => void create(e)} noValidate className="admin-inline-form">
          <Field
            label={t('clients.newName')}
            name="organisation-name"
            value={name}
            onChange={setName}
            error={fieldError(action.error, 'name')}
            required
          />
          <Button type="submit" busy={action.busy === 'create'}>
            {t('clients.create')}
          </Button>
        </form>
      </section>
      {org ? <OrganisationDetail key={org.id} org={org} onChanged={orgs.reload} /> : null}
    </>
  );
}

function OrganisationDetail(props: { org: Organisation; onChanged: () => void }) {
  const { t } = useTranslation('admin');
  const { org } = props;
  const users = useLoad<{ items: ClientUser[] }>(`/api/v1/client-organisations/${org.id}/users`);
  const action = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const [inviting, setInviting] = useState<string | null>(null);

  const setStatus = async (status: 'active' | 'disabled') => {
    setMessage(null);
    const r = await action.run('status', () =>
      api<Organisation>(`/api/v1/client-organisations/${org.id}/status`, {
        method: 'POST',
        body: { status },
      }),
    );
    if (r) {
      setMessage(t(status === 'active' ? 'clients.orgEnabled' : 'clients.orgDisabled', { name: r.name }));
      props.onChanged();
    }
  };
  const disableUser = async (u: ClientUser) => {
    setMessage(null);
    const r = await action.run(`disable-${u.id}`, () =>
      api<ClientUser>(`/api/v1/client-users/${u.id}/disable`, { method: 'POST' }),
    );
    if (r) {
      setMessage(t('clients.userDisabled', { name: r.username }));
      users.reload();
    }
  };

  return (
    <section aria-labelledby="org-detail" className="admin-panel">
      <h2 id="org-detail">{org.name}</h2>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <ProblemAlert error={action.error ?? users.error} />
      <p>
        {t('clients.status')}: {t(`clients.orgStatuses.${org.status}`)}{' '}
        {org.status === 'active' ? (
          <ConfirmAction
            kind="danger"
            label={t('clients.disableOrg')}
            question={t('clients.disableOrgQuestion', { name: org.name })}
            confirmLabel={t('clients.disableOrgConfirm')}
            busy={action.busy === 'status'}
            onConfirm={() => setStatus('disabled')}
          />
        ) : (
          <Button kind="secondary" busy={action.busy === 'status'} onClick={() => void setStatus('active')}>
            {t('clients.enableOrg')}
          </Button>
        )}
      </p>
      <h3>{t('clients.usersTitle')}</h3>
      {users.data === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : users.data.items.length === 0 ? (
        <p>{t('clients.noUsers')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="admin-sr-only">{t('clients.usersTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('clients.username')}</th>
                <th scope="col">{t('clients.displayName')}</th>
                <th scope="col">{t('clients.email')}</th>
                <th scope="col">{t('clients.role')}</th>
                <th scope="col">{t('clients.status')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id}>
                  <th scope="row">{u.username}</th>
                  <td>{u.displayName}</td>
                  <td>{u.email}</td>
                  <td>{t(`clients.roles.${u.role}`)}</td>
                  <td>{t(`clients.userStatuses.${u.status}`)}</td>
                  <td>
                    <div className="admin-actions">
                      {u.status !== 'disabled' ? (
                        <>
                          <Button kind="secondary" onClick={() => setInviting(u.id)}>
                            {t('clients.invite', { name: u.username })}
                          </Button>
                          <ConfirmAction
                            kind="danger"
                            label={t('clients.disableUser', { name: u.username })}
                            question={t('clients.disableUserQuestion', { name: u.username })}
                            confirmLabel={t('clients.disableUserConfirm')}
                            busy={action.busy === `disable-${u.id}`}
                            onConfirm={() => disableUser(u)}
                          />
                        </>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {inviting ? (
        <Invite
          key={inviting}
          user={users.data?.items.find((u) => u.id === inviting) ?? null}
          onDone={(msg) => {
            setInviting(null);
            if (msg) setMessage(msg);
            users.reload();
          }}
        />
      ) : null}
      <CreateClientUser organisationId={org.id} onCreated={users.reload} />
    </section>
  );
}

/** An application of the organisation, as the application list gives it. */
interface ApplicationSummary {
  id: string;
  reference: string;
  status: string;
  programme: { id: string; name: string };
}

/** How many of the organisation's applications the invitation form offers. */
const APPLICATION_CHOICES = 200;

function Invite(props: { user: ClientUser | null; onDone: (message: string | null) => void }) {
  const { t } = useTranslation('admin');
  const { can } = useSession();
  const action = useAction();
  const [applicationId, setApplicationId] = useState('');
  const [sms, setSms] = useState(false);
  const u = props.user;
  const applications = useLoad<{ items: ApplicationSummary[]; nextCursor: string | null }>(
    u && can('application:read')
      ? `/api/v1/applications?${new URLSearchParams({
          clientOrganisationId: u.organisationId,
          limit: String(APPLICATION_CHOICES),
        })}`
      : null,
  );
  if (!u) return null;
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run('invite', () =>
      api<{ expiresAt: string; mailed: boolean; smsSent: boolean }>(
        `/api/v1/client-users/${u.id}/invitations`,
        {
          method: 'POST',
          body: {
            ...(applicationId ? { applicationId } : {}),
            ...(sms ? { sms } : {}),
          },
        },
      ),
    );
    if (!r) return;
    props.onDone(
      r.mailed
        ? t(r.smsSent ? 'clients.invitedSms' : 'clients.invited', {
            name: u.username,
            date: formatDate(r.expiresAt, true),
          })
        : t('clients.inviteNotMailed', { name: u.username }),
    );
  };
  return (
    <form onSubmit={(e) => void send(e)} noValidate className="admin-subform">
      <fieldset>
        <legend>{t('clients.inviteTitle', { name: u.username })}</legend>
        <p className="hint">{t('clients.inviteIntro')}</p>
        <ProblemAlert error={action.error ?? applications.error} />
        {!can('application:read') ? (
          <p className="hint">{t('clients.applicationsNeedRight')}</p>
        ) : applications.data === null ? (
          applications.error ? null : (
            <p role="status">{t('common.loading')}</p>
          )
        ) : applications.data.items.length === 0 ? (
          <p className="hint">{t('clients.noApplications')}</p>
        ) : (
          <SelectField
            label={t('clients.application')}
            name="applicationId"
            value={applicationId}
            onChange={setApplicationId}
            hint={
              applications.data.nextCursor
                ? `${t('clients.applicationHint')} ${t('clients.moreApplications', { n: formatNumber(APPLICATION_CHOICES) })}`
                : t('clients.applicationHint')
            }
            error={fieldError(action.error, 'applicationId')}
          >
            <option value="">{t('clients.applicationNone')}</option>
            {applications.data.items.map((a) => (
              <option key={a.id} value={a.id}>
                {t('clients.applicationOption', {
                  reference: a.reference,
                  programme: a.programme.name,
                  status: a.status,
                })}
              </option>
            ))}
          </SelectField>
        )}
        <CheckField
          label={t('clients.smsNotice')}
          name="sms"
          checked={sms}
          onChange={setSms}
          hint={u.mobile ? t('clients.smsHint') : t('clients.smsNoMobile')}
          disabled={!u.mobile}
        />
        <div className="admin-actions">
          <Button type="submit" busy={action.busy === 'invite'}>
            {t('clients.sendInvitation')}
          </Button>
          <Button kind="secondary" onClick={() => props.onDone(null)}>
            {t('common.cancel')}
          </Button>
        </div>
      </fieldset>
    </form>
  );
}

function CreateClientUser(props: { organisationId: string; onCreated: () => void }) {
  const { t } = useTranslation('admin');
  const action = useAction();
  const empty = { username: '', displayName: '', email: '', mobile: '', role: 'contributor' as ClientRole };
  const [v, setV] = useState(empty);
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const r = await action.run('create', () =>
      api<ClientUser>(`/api/v1/client-organisations/${props.organisationId}/users`, {
        method: 'POST',
        body: {
          username: v.username.trim(),
          displayName: v.displayName.trim(),
          email: v.email.trim(),
          role: v.role,
          ...(v.mobile.trim() ? { mobile: v.mobile.trim() } : {}),
        },
      }),
    );
    if (!r) return;
    setMessage(t('clients.userCreated', { name: r.username }));
    setV(empty);
    props.onCreated();
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="admin-subform">
      <fieldset>
        <legend>{t('clients.createUserTitle')}</legend>
        {message ? <Alert kind="success">{message}</Alert> : null}
        <ProblemAlert error={action.error} />
        <Field
          label={t('clients.username')}
          name="client-username"
          value={v.username}
          onChange={(username) => setV({ ...v, username })}
          error={fieldError(action.error, 'username')}
          autoComplete="off"
          required
        />
        <Field
          label={t('clients.displayName')}
          name="client-displayName"
          value={v.displayName}
          onChange={(displayName) => setV({ ...v, displayName })}
          error={fieldError(action.error, 'displayName')}
          required
        />
        <Field
          label={t('clients.email')}
          name="client-email"
          type="email"
          value={v.email}
          onChange={(email) => setV({ ...v, email })}
          error={fieldError(action.error, 'email')}
          autoComplete="off"
          required
        />
        <Field
          label={t('clients.mobile')}
          name="client-mobile"
          type="tel"
          inputMode="tel"
          value={v.mobile}
          onChange={(mobile) => setV({ ...v, mobile })}
          error={fieldError(action.error, 'mobile')}
        />
        <SelectField
          label={t('clients.role')}
          name="client-role"
          value={v.role}
          onChange={(role) => setV({ ...v, role: role as ClientRole })}
          error={fieldError(action.error, 'role')}
        >
          <option value="owner">{t('clients.roles.owner')}</option>
          <option value="contributor">{t('clients.roles.contributor')}</option>
          <option value="read_only">{t('clients.roles.read_only')}</option>
        </SelectField>
        <Button type="submit" busy={action.busy === 'create'}>
          {t('clients.createUser')}
        </Button>
      </fieldset>
    </form>
  );
}
