/**
 * Trusted networks (right `trusted-network:manage`): the IPv4/IPv6 ranges, adding one in CIDR
 * notation (the API stores it canonical: host bits cleared), removing one; and the per-role policy
 * of who may skip the second factor from these ranges (changing it needs `role:manage`). Roles with
 * an administrative right can never skip; the server's master switch must also be on.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../../ui/components.tsx';
import { formatDate } from '../../../../ui/i18n.ts';
import { useSession } from '../../session.tsx';
import { ConfirmAction, fieldError, ProblemAlert, useAction, useLoad, type RoleView } from './admin-ui.tsx';

interface TrustedNetwork {
  id: string;
  cidr: string;
  label: string;
  createdAt: string;
  createdBy: string;
}

export function AdminTrustedNetworks() {
  const { t } = useTranslation('admin');
  const { can } = useSession();
  const nets = useLoad<{ items: TrustedNetwork[] }>('/api/v1/trusted-networks');
  const action = useAction();
  const [cidr, setCidr] = useState('');
  const [label, setLabel] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const r = await action.run('add', () =>
      api<TrustedNetwork>('/api/v1/trusted-networks', {
        method: 'POST',
        body: { cidr: cidr.trim(), ...(label.trim() ? { label: label.trim() } : {}) },
      }),
    );
    if (!r) return;
    setMessage(t('networks.added', { cidr: r.cidr }));
    setCidr('');
    setLabel('');
    nets.reload();
  };
  const remove = async (n: TrustedNetwork) => {
    setMessage(null);
    const ok = await action.run(`remove-${n.id}`, () =>
      api(`/api/v1/trusted-networks/${n.id}`, { method: 'DELETE' }).then(() => true),
    );
    if (ok) {
      setMessage(t('networks.removed', { cidr: n.cidr }));
      nets.reload();
    }
  };

  return (
    <>
      <PageTitle>{t('networks.title')}</PageTitle>
      <p>{t('networks.intro')}</p>
      <section aria-labelledby="nets-list">
        <h2 id="nets-list">{t('networks.listTitle')}</h2>
        {message ? <Alert kind="success">{message}</Alert> : null}
        <ProblemAlert error={action.error ?? nets.error} />
        {nets.data === null ? (
          <p role="status">{t('common.loading')}</p>
        ) : nets.data.items.length === 0 ? (
          <p>{t('networks.none')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="admin-sr-only">{t('networks.listTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('networks.cidr')}</th>
                  <th scope="col">{t('networks.label')}</th>
                  <th scope="col">{t('networks.addedOn')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {nets.data.items.map((n) => (
                  <tr key={n.id}>
                    <th scope="row">
                      <code>{n.cidr}</code>
                    </th>
                    <td>{n.label}</td>
                    <td>{formatDate(n.createdAt, true)}</td>
                    <td>
                      <ConfirmAction
                        kind="danger"
                        label={t('networks.remove', { cidr: n.cidr })}
                        question={t('networks.removeQuestion', { cidr: n.cidr })}
                        confirmLabel={t('networks.removeConfirm')}
                        busy={action.busy === `remove-${n.id}`}
                        onConfirm={() => remove(n)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form onSubmit={(e) => void add(e)} noValidate className="admin-inline-form">
          <Field
            label={t('networks.cidr')}
            name="cidr"
            value={cidr}
            onChange={setCidr}
            hint={t('networks.cidrHint')}
            error={fieldError(action.error, 'cidr')}
            required
          />
          <Field
            label={t('networks.label')}
            name="label"
            value={label}
            onChange={setLabel}
            error={fieldError(action.error, 'label')}
          />
          <Button type="submit" busy={action.busy === 'add'}>
            {t('networks.add')}
          </Button>
        </form>
      </section>
      <SkipPolicy canChange={can('role:manage')} />
    </>
  );
}

/** Which roles let their users skip the second factor from a trusted range. */
function SkipPolicy(props: { canChange: boolean }) {
  const { t } = useTranslation('admin');
  const roles = useLoad<{ items: RoleView[] }>(props.canChange ? '/api/v1/roles' : null);
  const action = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const toggle = async (r: RoleView) => {
    setMessage(null);
    const updated = await action.run(r.id, () =>
      api<RoleView>(`/api/v1/roles/${r.id}`, {
        method: 'PATCH',
        body: { version: r.version, trustedNetworkSkip: !r.trustedNetworkSkip },
      }),
    );
    if (!updated) return;
    setMessage(
      t(updated.trustedNetworkSkip ? 'networks.skipOn' : 'networks.skipOff', { name: updated.name }),
    );
    roles.reload();
  };
  return (
    <section aria-labelledby="skip-policy">
      <h2 id="skip-policy">{t('networks.skipTitle')}</h2>
      <p>{t('networks.skipIntro')}</p>
      {!props.canChange ? (
        <p>{t('networks.skipNeedsRoleManage')}</p>
      ) : (
        <>
          {message ? <Alert kind="success">{message}</Alert> : null}
          <ProblemAlert error={action.error ?? roles.error} />
          {roles.data === null ? (
            <p role="status">{t('common.loading')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="admin-sr-only">{t('networks.skipTitle')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('roles.name')}</th>
                    <th scope="col">{t('networks.skipColumn')}</th>
                    <th scope="col">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {roles.data.items.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">{r.name}</th>
                      <td>
                        {r.trustedNetworkSkip ? t('networks.skipAllowed') : t('networks.skipNotAllowed')}
                      </td>
                      <td>
                        {r.administrative ? (
                          <span className="hint">{t('networks.skipAdministrative')}</span>
                        ) : (
                          <Button kind="secondary" busy={action.busy === r.id} onClick={() => void toggle(r)}>
                            {r.trustedNetworkSkip
                              ? t('networks.skipDisable', { name: r.name })
                              : t('networks.skipEnable', { name: r.name })}
                          </Button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
