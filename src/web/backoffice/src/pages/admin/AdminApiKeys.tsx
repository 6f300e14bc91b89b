/**
 * API keys (right `api-key:manage`): the keys (never their secret), creating one, and revoking one.
 * A new key's token is shown exactly once, here, with a copy button and a warning: only its hash is
 * stored, so leaving or reloading the page loses it for good. A key can only be given rights its
 * creator holds (the API refuses the rest; the others are shown but cannot be ticked).
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../../ui/components.tsx';
import { formatDate } from '../../../../ui/i18n.ts';
import { useSession } from '../../session.tsx';
import {
  CheckField,
  ConfirmAction,
  fieldError,
  ProblemAlert,
  RightsPicker,
  useAction,
  useLoad,
  type RightView,
} from './admin-ui.tsx';

interface ApiKeyView {
  id: string;
  prefix: string;
  name: string;
  rights: string[];
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  programmeIds: string[] | null;
}

interface Programme {
  id: string;
  name: string;
}

export function AdminApiKeys() {
  const { t } = useTranslation('admin');
  const keys = useLoad<{ items: ApiKeyView[] }>('/api/v1/api-keys');
  const list = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);

  const revoke = async (k: ApiKeyView) => {
    setMessage(null);
    const r = await list.run(`revoke-${k.id}`, () =>
      api<ApiKeyView>(`/api/v1/api-keys/${k.id}/revoke`, { method: 'POST' }),
    );
    if (r) {
      setMessage(t('apiKeys.revoked', { name: r.name }));
      keys.reload();
    }
  };
  const state = (k: ApiKeyView) =>
    k.revokedAt
      ? t('apiKeys.states.revoked', { date: formatDate(k.revokedAt) })
      : k.expiresAt && new Date(k.expiresAt) <= new Date()
        ? t('apiKeys.states.expired', { date: formatDate(k.expiresAt) })
        : t('apiKeys.states.active');

  return (
    <>
      <PageTitle>{t('apiKeys.title')}</PageTitle>
      <p>{t('apiKeys.intro')}</p>
      {created ? <NewToken {...created} onDone={() => setCreated(null)} /> : null}
      <section aria-labelledby="keys-list">
        <h2 id="keys-list">{t('apiKeys.listTitle')}</h2>
        {message ? <Alert kind="success">{message}</Alert> : null}
        <ProblemAlert error={list.error ?? keys.error} />
        {keys.data === null ? (
          <p role="status">{t('common.loading')}</p>
        ) : keys.data.items.length === 0 ? (
          <p>{t('apiKeys.none')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="admin-sr-only">{t('apiKeys.listTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('apiKeys.name')}</th>
                  <th scope="col">{t('apiKeys.prefix')}</th>
                  <th scope="col">{t('apiKeys.rights')}</th>
                  <th scope="col">{t('apiKeys.dates')}</th>
                  <th scope="col">{t('apiKeys.state')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.items.map((k) => (
                  <tr key={k.id}>
                    <th scope="row" className="admin-wrap">
                      {k.name}
                    </th>
                    <td>
                      <code>{k.prefix}</code>
                    </td>
                    <td>
                      <ul className="admin-tags" aria-label={t('apiKeys.rightsOf', { name: k.name })}>
                        {k.rights.map((r) => (
                          <li key={r}>
                            <code>{r}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {t('apiKeys.createdOn', { date: formatDate(k.createdAt) })}
                      <br />
                      {k.expiresAt
                        ? t('apiKeys.expiresOn', { date: formatDate(k.expiresAt) })
                        : t('apiKeys.noExpiry')}
                      <br />
                      {k.lastUsedAt
                        ? t('apiKeys.lastUsed', { date: formatDate(k.lastUsedAt, true) })
                        : t('apiKeys.neverUsed')}
                    </td>
                    <td>{state(k)}</td>
                    <td>
                      {k.revokedAt ? null : (
                        <ConfirmAction
                          kind="danger"
                          label={t('apiKeys.revoke', { name: k.name })}
                          question={t('apiKeys.revokeQuestion', { name: k.name })}
                          confirmLabel={t('apiKeys.revokeConfirm')}
                          busy={list.busy === `revoke-${k.id}`}
                          onConfirm={() => revoke(k)}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <CreateKey
        onCreated={(name, token) => {
          setCreated({ name, token });
          keys.reload();
        }}
      />
    </>
  );
}

/** The token of a key just created: shown once, with a copy button and the warning. */
function NewToken(props: { name: string; token: string; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.token);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section aria-labelledby="new-token" className="admin-panel admin-token">
      <h2 id="new-token">{t('apiKeys.tokenTitle', { name: props.name })}</h2>
      <Alert kind="info">
        <strong>{t('apiKeys.tokenWarningStrong')}</strong> {t('apiKeys.tokenWarning')}
      </Alert>
      <div className="field">
        <label htmlFor="new-token-value">{t('apiKeys.token')}</label>
        <input
          id="new-token-value"
          className="admin-token-value"
          readOnly
          value={props.token}
          onFocus={(e) => e.target.select()}
        />
      </div>
      <div className="admin-actions">
        <Button onClick={() => void copy()}>{t('apiKeys.copy')}</Button>
        <Button kind="secondary" onClick={props.onDone}>
          {t('apiKeys.tokenDone')}
        </Button>
      </div>
      <p role="status" className="hint">
        {copied === true ? t('apiKeys.copied') : copied === false ? t('apiKeys.copyFailed') : ''}
      </p>
    </section>
  );
}

function CreateKey(props: { onCreated: (name: string, token: string) => void }) {
  const { t } = useTranslation('admin');
  const { can } = useSession();
  const catalogue = useLoad<{ items: RightView[] }>('/api/v1/rights');
  const programmes = useLoad<{ items: Programme[] }>(
    can('programme:read') ? '/api/v1/programmes?limit=200' : null,
  );
  const action = useAction();
  const [name, setName] = useState('');
  const [rights, setRights] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run('create', () =>
      api<{ apiKey: ApiKeyView; token: string }>('/api/v1/api-keys', {
        method: 'POST',
        body: {
          name: name.trim(),
          rights,
          // The key stops working at the end of the chosen day, local time.
          ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
          ...(chosen.length ? { programmeIds: chosen } : {}),
        },
      }),
    );
    if (!r) return;
    setName('');
    setRights([]);
    setExpires('');
    setChosen([]);
    props.onCreated(r.apiKey.name, r.token);
  };

  return (
    <section aria-labelledby="key-create">
      <h2 id="key-create">{t('apiKeys.createTitle')}</h2>
      <ProblemAlert error={action.error ?? catalogue.error} />
      {catalogue.data ? (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field
            label={t('apiKeys.name')}
            name="name"
            value={name}
            onChange={setName}
            error={fieldError(action.error, 'name')}
            required
          />
          <RightsPicker
            legend={t('apiKeys.rights')}
            catalogue={catalogue.data.items}
            value={rights}
            onChange={setRights}
            allowed={can}
            error={fieldError(action.error, 'rights')}
          />
          <p className="hint">{t('apiKeys.rightsHint')}</p>
          <Field
            label={t('apiKeys.expires')}
            name="expires"
            type="date"
            value={expires}
            onChange={setExpires}
            hint={t('apiKeys.expiresHint')}
            error={fieldError(action.error, 'expiresAt')}
          />
          {programmes.data && programmes.data.items.length ? (
            <fieldset className="admin-rights-group">
              <legend>{t('apiKeys.programmes')}</legend>
              <p className="hint">{t('apiKeys.programmesHint')}</p>
              {programmes.data.items.map((p) => (
                <CheckField
                  key={p.id}
                  name="programmes"
                  label={p.name}
                  checked={chosen.includes(p.id)}
                  onChange={(on) => setChosen(on ? [...chosen, p.id] : chosen.filter((x) => x !== p.id))}
                />
              ))}
            </fieldset>
          ) : null}
          <Button type="submit" busy={action.busy === 'create'}>
            {t('apiKeys.create')}
          </Button>
        </form>
      ) : (
        <p role="status">{t('common.loading')}</p>
      )}
    </section>
  );
}
