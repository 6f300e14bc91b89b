/**
 * The client user's own account: who they are, their second factors (add an authenticator app by
 * scanning a QR code, or remove it while a phone is on file), their passkeys (add with a name,
 * rename, remove) and their password. Factor and passkey changes need a fresh second factor
 * (step-up, a code or a passkey): when the server asks for one, the page asks for it and then
 * repeats the change.
 */
import QRCode from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle, SecondFactorFields } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { passwordProblems } from '../components/password.ts';
import { useSession } from '../session.tsx';
import { createPasskey, passkeysSupported, signWithPasskey, type PasskeyItem } from '../../../ui/passkey.ts';
import type { Factors } from '../types.ts';
import { problemText, useLoad } from '../use-load.ts';

export function Account() {
  const { t } = useTranslation('account');
  const { me } = useSession();
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <section aria-labelledby="acc-me" className="portal-section">
        <h2 id="acc-me">{t('details')}</h2>
        <dl className="portal-dl">
          <dt>{t('name')}</dt>
          <dd>{me?.displayName}</dd>
          <dt>{t('username')}</dt>
          <dd>{me?.username}</dd>
          <dt>{t('email')}</dt>
          <dd className="portal-wrap">{me?.email}</dd>
          <dt>{t('organisation')}</dt>
          <dd>{me?.organisation.name}</dd>
          <dt>{t('role')}</dt>
          <dd>{me ? t(`roles.${me.role}`) : ''}</dd>
        </dl>
      </section>
      <FactorsSection />
      <PasskeysSection />
      <PasswordSection />
    </>
  );
}

type Pending = { run: () => Promise<void> } | null;

function FactorsSection() {
  const { t } = useTranslation('account');
  const loaded = useLoad(() => api<Factors>('/api/v1/me/factors'), 'factors');
  const passkeys = useLoad(() => api<{ items: PasskeyItem[] }>('/api/v1/me/passkeys'), 'passkeys');
  const [enrolment, setEnrolment] = useState<{ uri: string; secret: string } | null>(null);
  const [stepUp, setStepUp] = useState<Pending>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const f = loaded.data;

  /** Runs a factor change; asks for a step-up first when the server wants one. */
  const guarded = async (run: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await run();
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'step_up_required') setStepUp({ run });
      else setError(problemText(err, t('common:unavailable')));
    }
  };

  const start = () =>
    guarded(async () => {
      const r = await api<{ otpauthUri: string; secret: string }>('/api/v1/me/factors/totp', {
        method: 'POST',
      });
      setEnrolment({ uri: r.otpauthUri, secret: r.secret });
    });
  const remove = () =>
    guarded(async () => {
      await api('/api/v1/me/factors/totp', { method: 'DELETE' });
      setConfirmRemove(false);
      setNotice(t('totpRemoved'));
      await loaded.reload();
    });

  return (
    <section aria-labelledby="acc-factors" className="portal-section">
      <h2 id="acc-factors">{t('factors')}</h2>
      {loaded.error ? <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert> : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      {f ? (
        <dl className="portal-dl">
          <dt>{t('sms')}</dt>
          <dd>{f.sms ? t('smsTo', { mobile: f.sms.mobile }) : t('smsNone')}</dd>
          <dt>{t('totp')}</dt>
          <dd>{f.totp ? t('totpSince', { date: formatDate(f.totp.confirmedAt) }) : t('totpNone')}</dd>
        </dl>
      ) : null}
      {stepUp && f ? (
        <StepUp
          factors={f}
          passkey={(passkeys.data?.items.length ?? 0) > 0}
          onDone={async () => {
            const pending = stepUp;
            setStepUp(null);
            await guarded(pending.run);
          }}
          onCancel={() => setStepUp(null)}
        />
      ) : enrolment ? (
        <Enrol
          enrolment={enrolment}
          onDone={async () => {
            setEnrolment(null);
            setNotice(t('totpAdded'));
            await loaded.reload();
          }}
          onCancel={() => setEnrolment(null)}
        />
      ) : f && !f.totp ? (
        <Button onClick={() => void start()}>{t('addTotp')}</Button>
      ) : f?.totp && f.sms ? (
        confirmRemove ? (
          <div className="portal-confirm">
            <p>{t('confirmRemoveTotp')}</p>
            <div className="portal-actions">
              <Button kind="danger" onClick={() => void remove()}>
                {t('yesRemoveTotp')}
              </Button>
              <Button kind="secondary" onClick={() => setConfirmRemove(false)}>
                {t('cancel')}
              </Button>
            </div>
          </div>
        ) : (
          <Button kind="secondary" onClick={() => setConfirmRemove(true)}>
            {t('removeTotp')}
          </Button>
        )
      ) : f?.totp ? (
        <p className="hint">{t('onlyFactor')}</p>
      ) : null}
    </section>
  );
}

/** Asks for a fresh second factor; the server rotates the session, so the CSRF token changes. */
function StepUp(props: {
  factors: Factors;
  /** The user has a passkey to confirm with instead of a code. */
  passkey?: boolean;
  onDone: () => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation('account');
  const { replaceCsrf } = useSession();
  const available = [props.factors.totp ? 'totp' : null, props.factors.sms ? 'sms' : null].filter(
    (x): x is 'totp' | 'sms' => x !== null,
  );
  const [factor, setFactor] = useState<'totp' | 'sms'>(available[0] ?? 'sms');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async () => {
    setError(null);
    try {
      await api('/api/v1/auth/step-up/sms', { method: 'POST' });
      setInfo(t('smsSent', { mobile: props.factors.sms?.mobile ?? '' }));
    } catch (err) {
      setError(problemText(err, t('common:unavailable')));
    }
  };
  const withPasskey = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await signWithPasskey<{ csrfToken: string }>(
        '/api/v1/auth/step-up/passkey/options',
        '/api/v1/auth/step-up/passkey',
        t('passkeys.cancelled'),
      );
      replaceCsrf(r.csrfToken);
      await props.onDone();
    } catch (err) {
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ csrfToken: string }>('/api/v1/auth/step-up', {
        method: 'POST',
        body: { factor, code: code.trim() },
      });
      replaceCsrf(r.csrfToken);
      await props.onDone();
    } catch (err) {
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="portal-card portal-form" onSubmit={submit} noValidate>
      <h3>{t('stepUpTitle')}</h3>
      <p>{t('stepUpIntro')}</p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {info ? <Alert kind="info">{info}</Alert> : null}
      {props.passkey && passkeysSupported() ? (
        <p>
          <Button kind="secondary" busy={busy} onClick={() => void withPasskey()}>
            {t('passkeys.useForStepUp')}
          </Button>
        </p>
      ) : null}
      <SecondFactorFields
        name="stepup"
        factors={available}
        factor={factor}
        onFactor={setFactor}
        code={code}
        onCode={setCode}
        onSendSms={() => void send()}
        text={{
          legend: t('factor'),
          factorName: (x) => t(`factorNames.${x}`),
          codeLabel: (x) => t(`codeLabel.${x}`),
          sendSms: t('sendSms'),
        }}
      />
      <div className="portal-actions">
        <Button type="submit" busy={busy}>
          {t('confirm')}
        </Button>
        <Button kind="secondary" onClick={props.onCancel}>
          {t('cancel')}
        </Button>
      </div>
    </form>
  );
}

/** Shows the new authenticator's QR code and key, and confirms it with a first code. */
function Enrol(props: {
  enrolment: { uri: string; secret: string };
  onDone: () => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation('account');
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(props.enrolment.uri, { margin: 1, width: 200 })
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [props.enrolment.uri]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/me/factors/totp/confirm', { method: 'POST', body: { code: code.trim() } });
      await props.onDone();
    } catch (err) {
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="portal-card portal-form" onSubmit={submit} noValidate>
      <h3>{t('enrolTitle')}</h3>
      <p>{t('enrolIntro')}</p>
      {qr ? <img src={qr} width={200} height={200} alt={t('qrAlt')} /> : null}
      <p>
        {t('secret')} <code className="portal-wrap">{props.enrolment.secret}</code>
      </p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      <Field
        label={t('enrolCode')}
        name="totp-code"
        value={code}
        onChange={setCode}
        autoComplete="one-time-code"
        inputMode="numeric"
        required
      />
      <div className="portal-actions">
        <Button type="submit" busy={busy}>
          {t('enrolConfirm')}
        </Button>
        <Button kind="secondary" onClick={props.onCancel}>
          {t('cancel')}
        </Button>
      </div>
    </form>
  );
}

/** The client's passkeys: list, add with a name, rename, remove; each change after a step-up. */
function PasskeysSection() {
  const { t } = useTranslation('account');
  const loaded = useLoad(
    () => api<{ items: PasskeyItem[]; passwordlessAllowed: boolean }>('/api/v1/me/passkeys'),
    'passkeys',
  );
  const factors = useLoad(() => api<Factors>('/api/v1/me/factors'), 'factors');
  const [stepUp, setStepUp] = useState<Pending>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = loaded.data;

  const guarded = async (run: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    setBusy(true);
    try {
      await run();
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'step_up_required') setStepUp({ run });
      else setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    setNameError(trimmed ? null : t('passkeys.nameMissing'));
    if (!trimmed) return;
    void guarded(async () => {
      await createPasskey(
        '/api/v1/me/passkeys/options',
        '/api/v1/me/passkeys',
        trimmed,
        t('passkeys.cancelled'),
      );
      setName('');
      setNotice(t('passkeys.added', { name: trimmed }));
      await loaded.reload();
    });
  };
  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (!editing || !editing.name.trim()) return;
    const next = editing.name.trim();
    void guarded(async () => {
      await api(`/api/v1/me/passkeys/${editing.id}`, { method: 'PATCH', body: { name: next } });
      setEditing(null);
      setNotice(t('passkeys.renamed', { name: next }));
      await loaded.reload();
    });
  };
  const remove = (p: PasskeyItem) =>
    guarded(async () => {
      await api(`/api/v1/me/passkeys/${p.id}`, { method: 'DELETE' });
      setConfirmRemove(null);
      setNotice(t('passkeys.removed', { name: p.name }));
      await loaded.reload();
    });

  return (
    <section aria-labelledby="acc-passkeys" className="portal-section">
      <h2 id="acc-passkeys">{t('passkeys.title')}</h2>
      <p>{list?.passwordlessAllowed ? t('passkeys.introPasswordless') : t('passkeys.intro')}</p>
      {loaded.error ? <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert> : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      {list ? (
        list.items.length === 0 ? (
          <p>{t('passkeys.none')}</p>
        ) : (
          <ul className="portal-cards">
            {list.items.map((p) => (
              <li key={p.id} className="portal-card">
                {editing?.id === p.id ? (
                  <form className="portal-form" onSubmit={rename} noValidate>
                    <Field
                      label={t('passkeys.newName', { name: p.name })}
                      name="passkey-rename"
                      value={editing.name}
                      onChange={(v) => setEditing({ id: p.id, name: v })}
                      required
                    />
                    <div className="portal-actions">
                      <Button type="submit" busy={busy}>
                        {t('passkeys.save')}
                      </Button>
                      <Button kind="secondary" onClick={() => setEditing(null)}>
                        {t('cancel')}
                      </Button>
                    </div>
                  </form>
                ) : (
                  <>
                    <p>
                      <strong>{p.name}</strong>
                      <br />
                      {t('passkeys.line', {
                        added: formatDate(p.createdAt),
                        used: p.lastUsedAt ? formatDate(p.lastUsedAt) : t('passkeys.never'),
                      })}
                      <br />
                      {p.passwordless ? t('passkeys.kindPasswordless') : t('passkeys.kindSecondFactor')}
                    </p>
                    {confirmRemove === p.id ? (
                      <div className="portal-confirm">
                        <p>{t('passkeys.confirmRemove', { name: p.name })}</p>
                        <div className="portal-actions">
                          <Button kind="danger" busy={busy} onClick={() => void remove(p)}>
                            {t('passkeys.yesRemove', { name: p.name })}
                          </Button>
                          <Button kind="secondary" onClick={() => setConfirmRemove(null)}>
                            {t('cancel')}
                          </Button>
                        </div>
                      </div>
                    ) : (
                      <div className="portal-actions">
                        <Button kind="secondary" onClick={() => setEditing({ id: p.id, name: p.name })}>
                          {t('passkeys.rename', { name: p.name })}
                        </Button>
                        <Button kind="secondary" onClick={() => setConfirmRemove(p.id)}>
                          {t('passkeys.remove', { name: p.name })}
                        </Button>
                      </div>
                    )}
                  </>
                )}
              </li>
            ))}
          </ul>
        )
      ) : null}
      {stepUp && factors.data ? (
        <StepUp
          factors={factors.data}
          passkey={(list?.items.length ?? 0) > 0}
          onDone={async () => {
            const pending = stepUp;
            setStepUp(null);
            await guarded(pending.run);
          }}
          onCancel={() => setStepUp(null)}
        />
      ) : passkeysSupported() ? (
        <form className="portal-form portal-narrow" onSubmit={add} noValidate>
          <Field
            label={t('passkeys.name')}
            name="passkey-name"
            value={name}
            onChange={setName}
            hint={t('passkeys.nameHint')}
            required
            error={nameError}
          />
          <Button type="submit" busy={busy}>
            {t('passkeys.add')}
          </Button>
        </form>
      ) : (
        <p className="hint">{t('passkeys.unsupported')}</p>
      )}
    </section>
  );
}

function PasswordSection() {
  const { t } = useTranslation('account');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<{ current?: string; next?: string; repeat?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    setError(null);
    const local: typeof errors = {};
    if (!current) local.current = t('currentMissing');
    if (!next) local.next = t('newMissing');
    else if (next !== repeat) local.repeat = t('mismatch');
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await api('/api/v1/me/password', {
        method: 'POST',
        body: { currentPassword: current, newPassword: next },
      });
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    } catch (err) {
      const policy = passwordProblems(err, t);
      if (policy) setErrors({ next: policy });
      else if (err instanceof ApiError && err.reason === 'wrong_current_password')
        setErrors({ current: err.message });
      else setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="acc-password" className="portal-section">
      <h2 id="acc-password">{t('password')}</h2>
      <form className="portal-form portal-narrow" onSubmit={submit} noValidate>
        {error ? <Alert kind="error">{error}</Alert> : null}
        {done ? <Alert kind="success">{t('passwordChanged')}</Alert> : null}
        <Field
          label={t('currentPassword')}
          name="current-password"
          type="password"
          value={current}
          onChange={setCurrent}
          autoComplete="current-password"
          required
          error={errors.current}
        />
        <Field
          label={t('newPassword')}
          name="new-password"
          type="password"
          value={next}
          onChange={setNext}
          autoComplete="new-password"
          hint={t('newPasswordHint')}
          required
          error={errors.next}
        />
        <Field
          label={t('repeatPassword')}
          name="repeat-password"
          type="password"
          value={repeat}
          onChange={setRepeat}
          autoComplete="new-password"
          required
          error={errors.repeat}
        />
        <Button type="submit" busy={busy}>
          {t('changePassword')}
        </Button>
      </form>
    </section>
  );
}
