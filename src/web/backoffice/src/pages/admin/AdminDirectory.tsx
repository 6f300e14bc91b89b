/**
 * Active Directory / LDAP (right `user:manage`; mapping changes need `role:manage`): the directory
 * settings as the server uses them (never the service account's password), the group mappings
 * (a group gives its members a role and/or a programme), "Sync now" with the run's counts, and the
 * recent runs. Changes go through the step-up prompt; the API decides who may do what.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../../ui/i18n.ts';
import { useSession } from '../../session.tsx';
import {
  ConfirmAction,
  fieldError,
  ProblemAlert,
  SelectField,
  useAction,
  useLoad,
  type RoleView,
} from './admin-ui.tsx';

interface DirectorySettings {
  url: string;
  transport: 'ldaps' | 'starttls';
  serverName: string;
  bindDn: string;
  userBase: string;
  loginAttributes: string[];
  lockoutThreshold: number;
  lockoutWindowMinutes: number;
  maxFailedBinds: number;
  syncIntervalMinutes: number;
  fullSyncHours: number;
  provisionOnSignIn: boolean;
}

interface Mapping {
  id: string;
  groupDn: string;
  roleId: string | null;
  roleName: string | null;
  programmeId: string | null;
  programmeName: string | null;
  createdAt: string;
}

interface SyncRun {
  id: string;
  mode: 'full' | 'changed';
  status: 'running' | 'succeeded' | 'failed';
  trigger: 'schedule' | 'api' | 'cli';
  startedAt: string;
  finishedAt: string | null;
  seen: number;
  created: number;
  updated: number;
  disabled: number;
  enabled: number;
  unchanged: number;
  errors: number;
  error: string | null;
}

interface Programme {
  id: string;
  name: string;
}

export function AdminDirectory() {
  const { t } = useTranslation('admin');
  const status = useLoad<{ enabled: boolean; settings: DirectorySettings | null }>('/api/v1/directory');
  const runs = useLoad<{ items: SyncRun[] }>('/api/v1/directory/sync-runs?limit=10');

  return (
    <>
      <PageTitle>{t('directory.title')}</PageTitle>
      <p>{t('directory.intro')}</p>
      <ProblemAlert error={status.error} />
      {status.data === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : !status.data.enabled || !status.data.settings ? (
        <Alert kind="info">{t('directory.notConfigured')}</Alert>
      ) : (
        <>
          <Settings s={status.data.settings} />
          <Mappings />
          <SyncNow onRun={runs.reload} />
          <Runs runs={runs.data?.items ?? null} error={runs.error} />
        </>
      )}
    </>
  );
}

function Settings(props: { s: DirectorySettings }) {
  const { t } = useTranslation('admin');
  const { s } = props;
  return (
    <section aria-labelledby="dir-settings">
      <h2 id="dir-settings">{t('directory.settingsTitle')}</h2>
      <dl className="admin-facts">
        <dt>{t('directory.url')}</dt>
        <dd>
          <code>{s.url}</code> ({s.transport === 'ldaps' ? 'LDAPS' : 'StartTLS'}, {s.serverName})
        </dd>
        <dt>{t('directory.bindDn')}</dt>
        <dd>
          <code>{s.bindDn}</code>
        </dd>
        <dt>{t('directory.userBase')}</dt>
        <dd>
          <code>{s.userBase}</code>
        </dd>
        <dt>{t('directory.loginAttributes')}</dt>
        <dd>{s.loginAttributes.join(', ')}</dd>
        <dt>{t('directory.lockout')}</dt>
        <dd>
          {t('directory.lockoutText', {
            cap: s.maxFailedBinds,
            minutes: s.lockoutWindowMinutes,
            threshold: s.lockoutThreshold,
          })}
        </dd>
        <dt>{t('directory.schedule')}</dt>
        <dd>{t('directory.scheduleText', { minutes: s.syncIntervalMinutes, hours: s.fullSyncHours })}</dd>
        <dt>{t('directory.provisioning')}</dt>
        <dd>{s.provisionOnSignIn ? t('directory.provisionOn') : t('directory.provisionOff')}</dd>
      </dl>
    </section>
  );
}

function Mappings() {
  const { t } = useTranslation('admin');
  const { can } = useSession();
  const canChange = can('role:manage');
  const mappings = useLoad<{ items: Mapping[] }>('/api/v1/directory/mappings');
  const roles = useLoad<{ items: RoleView[] }>(canChange ? '/api/v1/roles' : null);
  const programmes = useLoad<{ items: Programme[] }>(
    canChange && can('programme:read') ? '/api/v1/programmes?limit=200' : null,
  );
  const action = useAction();
  const [groupDn, setGroupDn] = useState('');
  const [roleId, setRoleId] = useState('');
  const [programmeId, setProgrammeId] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const r = await action.run('add', () =>
      api<Mapping>('/api/v1/directory/mappings', {
        method: 'POST',
        body: {
          groupDn: groupDn.trim(),
          ...(roleId ? { roleId } : {}),
          ...(programmeId ? { programmeId } : {}),
        },
      }),
    );
    if (!r) return;
    setMessage(t('directory.mappingAdded', { group: r.groupDn }));
    setGroupDn('');
    setRoleId('');
    setProgrammeId('');
    mappings.reload();
  };
  const remove = async (m: Mapping) => {
    setMessage(null);
    const ok = await action.run(`remove-${m.id}`, () =>
      api(`/api/v1/directory/mappings/${m.id}`, { method: 'DELETE' }).then(() => true),
    );
    if (ok) {
      setMessage(t('directory.mappingRemoved', { group: m.groupDn }));
      mappings.reload();
    }
  };

  return (
    <section aria-labelledby="dir-mappings">
      <h2 id="dir-mappings">{t('directory.mappingsTitle')}</h2>
      <p>{t('directory.mappingsIntro')}</p>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <ProblemAlert error={action.error ?? mappings.error} />
      {mappings.data === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : mappings.data.items.length === 0 ? (
        <p>{t('directory.noMappings')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="admin-sr-only">{t('directory.mappingsTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('directory.group')}</th>
                <th scope="col">{t('directory.role')}</th>
                <th scope="col">{t('directory.programme')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {mappings.data.items.map((m) => (
                <tr key={m.id}>
                  <th scope="row">
                    <code>{m.groupDn}</code>
                  </th>
                  <td>{m.roleName ?? t('common.none')}</td>
                  <td>{m.programmeName ?? t('common.none')}</td>
                  <td>
                    {canChange ? (
                      <ConfirmAction
                        kind="danger"
                        label={t('directory.remove', { group: m.groupDn })}
                        question={t('directory.removeQuestion', { group: m.groupDn })}
                        confirmLabel={t('directory.removeConfirm')}
                        busy={action.busy === `remove-${m.id}`}
                        onConfirm={() => remove(m)}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canChange ? (
        <form onSubmit={(e) => void add(e)} noValidate className="admin-inline-form">
          <Field
            label={t('directory.group')}
            name="groupDn"
            value={groupDn}
            onChange={setGroupDn}
            hint={t('directory.groupHint')}
            error={fieldError(action.error, 'groupDn')}
            required
          />
          <SelectField
            label={t('directory.role')}
            name="roleId"
            value={roleId}
            onChange={setRoleId}
            error={fieldError(action.error, 'roleId')}
          >
            <option value="">{t('directory.noRole')}</option>
            {(roles.data?.items ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t('directory.programme')}
            name="programmeId"
            value={programmeId}
            onChange={setProgrammeId}
            error={fieldError(action.error, 'programmeId')}
          >
            <option value="">{t('directory.noProgramme')}</option>
            {(programmes.data?.items ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <Button type="submit" busy={action.busy === 'add'}>
            {t('directory.add')}
          </Button>
        </form>
      ) : (
        <p>{t('directory.needsRoleManage')}</p>
      )}
    </section>
  );
}

function SyncNow(props: { onRun: () => void }) {
  const { t } = useTranslation('admin');
  const action = useAction();
  const [run, setRun] = useState<SyncRun | null>(null);
  const sync = async (mode: 'full' | 'changed') => {
    setRun(null);
    const r = await action.run(mode, () =>
      api<SyncRun>('/api/v1/directory/sync', { method: 'POST', body: { mode } }),
    );
    if (r) {
      setRun(r);
      props.onRun();
    }
  };
  return (
    <section aria-labelledby="dir-sync">
      <h2 id="dir-sync">{t('directory.syncTitle')}</h2>
      <p>{t('directory.syncIntro')}</p>
      <ProblemAlert error={action.error} />
      {run ? (
        <Alert kind={run.status === 'succeeded' ? 'success' : 'error'}>
          {run.status === 'succeeded'
            ? t('directory.syncDone', counts(run))
            : t('directory.syncFailed', { error: run.error ?? '' })}
        </Alert>
      ) : null}
      <div className="admin-actions">
        <Button busy={action.busy === 'full'} onClick={() => void sync('full')}>
          {t('directory.syncFull')}
        </Button>
        <Button kind="secondary" busy={action.busy === 'changed'} onClick={() => void sync('changed')}>
          {t('directory.syncChanged')}
        </Button>
      </div>
    </section>
  );
}

function counts(r: SyncRun) {
  return {
    seen: formatNumber(r.seen),
    created: formatNumber(r.created),
    updated: formatNumber(r.updated),
    disabled: formatNumber(r.disabled),
    enabled: formatNumber(r.enabled),
    unchanged: formatNumber(r.unchanged),
    errors: formatNumber(r.errors),
  };
}

function Runs(props: { runs: SyncRun[] | null; error: unknown }) {
  const { t } = useTranslation('admin');
  return (
    <section aria-labelledby="dir-runs">
      <h2 id="dir-runs">{t('directory.runsTitle')}</h2>
      <ProblemAlert error={props.error} />
      {props.runs === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : props.runs.length === 0 ? (
        <p>{t('directory.noRuns')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="admin-sr-only">{t('directory.runsTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('directory.started')}</th>
                <th scope="col">{t('directory.mode')}</th>
                <th scope="col">{t('directory.trigger')}</th>
                <th scope="col">{t('directory.status')}</th>
                <th scope="col">{t('directory.counts')}</th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{formatDate(r.startedAt, true)}</th>
                  <td>{t(`directory.modes.${r.mode}`)}</td>
                  <td>{t(`directory.triggers.${r.trigger}`)}</td>
                  <td>
                    {t(`directory.statuses.${r.status}`)}
                    {r.error ? ` (${r.error})` : ''}
                  </td>
                  <td>{t('directory.countsText', counts(r))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
