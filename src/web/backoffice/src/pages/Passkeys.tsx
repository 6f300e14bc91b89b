/**
 * The signed-in user's passkeys: the list (name, added, last used, whether it can sign in without a
 * password), adding one with a name (the browser creates it), renaming and removing. Each change
 * is a sensitive action: the server asks for a fresh second factor, which the step-up prompt
 * collects (a passkey among the choices), then the change runs again.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { createPasskey, passkeysSupported, type PasskeyItem } from '../../../ui/passkey.ts';
import { useStepUp } from '../step-up.tsx';

export function Passkeys() {
  const { t } = useTranslation('passkeys');
  const withStepUp = useStepUp();
  const [items, setItems] = useState<PasskeyItem[] | null>(null);
  const [passwordlessAllowed, setPasswordlessAllowed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api<{ items: PasskeyItem[]; passwordlessAllowed: boolean }>('/api/v1/auth/passkeys');
      setItems(r.items);
      setPasswordlessAllowed(r.passwordlessAllowed);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('unavailable'));
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (key: string, change: () => Promise<string>) => {
    setBusy(key);
    setError(null);
    setDone(null);
    try {
      setDone(await change());
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('unavailable'));
    } finally {
      setBusy(null);
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    setNameError(trimmed ? null : t('nameMissing'));
    if (!trimmed) return;
    void act('add', async () => {
      await withStepUp(() =>
        createPasskey('/api/v1/auth/passkeys/options', '/api/v1/auth/passkeys', trimmed, t('cancelled')),
      );
      setName('');
      return t('added', { name: trimmed });
    });
  };

  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const next = editing.name.trim();
    if (!next) return;
    void act(`rename:${editing.id}`, async () => {
      await withStepUp(() =>
        api(`/api/v1/auth/passkeys/${editing.id}`, { method: 'PATCH', body: { name: next } }),
      );
      setEditing(null);
      return t('renamed', { name: next });
    });
  };

  const remove = (p: PasskeyItem) =>
    act(`remove:${p.id}`, async () => {
      await withStepUp(() => api(`/api/v1/auth/passkeys/${p.id}`, { method: 'DELETE' }));
      setConfirmRemove(null);
      return t('removed', { name: p.name });
    });

  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <p>{passwordlessAllowed ? t('introPasswordless') : t('intro')}</p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {done ? <Alert kind="success">{done}</Alert> : null}

      <section aria-labelledby="passkeys-list">
        <h2 id="passkeys-list">{t('listTitle')}</h2>
        {items === null ? (
          error ? null : (
            <p role="status">{t('loading')}</p>
          )
        ) : items.length === 0 ? (
          <p>{t('none')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('col.name')}</th>
                  <th scope="col">{t('col.added')}</th>
                  <th scope="col">{t('col.lastUsed')}</th>
                  <th scope="col">{t('col.kind')}</th>
                  <th scope="col">{t('col.action')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">
                      {editing?.id === p.id ? (
                        <form onSubmit={rename} noValidate>
                          <Field
                            label={t('newName', { name: p.name })}
                            name="passkey-rename"
                            value={editing.name}
                            onChange={(v) => setEditing({ id: p.id, name: v })}
                            required
                            autoFocus
                          />
                          <Button type="submit" busy={busy === `rename:${p.id}`}>
                            {t('save')}
                          </Button>
                          <Button kind="secondary" onClick={() => setEditing(null)}>
                            {t('cancel')}
                          </Button>
                        </form>
                      ) : (
                        p.name
                      )}
                    </th>
                    <td>{formatDate(p.createdAt, true)}</td>
                    <td>{p.lastUsedAt ? formatDate(p.lastUsedAt, true) : t('never')}</td>
                    <td>{p.passwordless ? t('kind.passwordless') : t('kind.secondFactor')}</td>
                    <td>
                      {confirmRemove === p.id ? (
                        <span>
                          <Button
                            kind="danger"
                            busy={busy === `remove:${p.id}`}
                            onClick={() => void remove(p)}
                          >
                            {t('yesRemove', { name: p.name })}
                          </Button>
                          <Button kind="secondary" onClick={() => setConfirmRemove(null)}>
                            {t('cancel')}
                          </Button>
                        </span>
                      ) : (
                        <span>
                          <Button kind="secondary" onClick={() => setEditing({ id: p.id, name: p.name })}>
                            {t('rename', { name: p.name })}
                          </Button>
                          <Button kind="secondary" onClick={() => setConfirmRemove(p.id)}>
                            {t('remove', { name: p.name })}
                          </Button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="passkeys-add">
        <h2 id="passkeys-add">{t('addTitle')}</h2>
        {passkeysSupported() ? (
          <form onSubmit={add} noValidate>
            <Field
              label={t('name')}
              name="passkey-name"
              value={name}
              onChange={setName}
              hint={t('nameHint')}
              required
              error={nameError}
            />
            <Button type="submit" busy={busy === 'add'}>
              {t('add')}
            </Button>
          </form>
        ) : (
          <Alert kind="info">{t('unsupported')}</Alert>
        )}
      </section>
    </>
  );
}
