/**
 * The invitation link (`/invitation#token=...`). The token is read from the URL fragment (which
 * browsers never send to a server), removed from the address bar at once, and sent only in the
 * body of the invitation calls. Opening it starts the second factor bound to the invitation (an
 * SMS code to the phone the firm entered, or the user's authenticator); the code and the chosen
 * password complete it together. The password policy's refusals are shown at the password field.
 * Once signed in, the client lands on the application the invitation is about, if any.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../ui/components.tsx';
import { passwordProblems } from '../components/password.ts';
import { useSession } from '../session.tsx';

type Factor = 'sms' | 'totp';

const NEXT_KEY = 'dossier.portal.afterInvitation';

/**
 * The invitation address once signed in: the application the invitation was about (remembered
 * when it was accepted), else the start page.
 */
export function AfterInvitation() {
  const [next] = useState(() => sessionStorage.getItem(NEXT_KEY));
  useEffect(() => sessionStorage.removeItem(NEXT_KEY), []);
  return <Navigate to={next && /^\/applications\/[0-9a-f-]{36}$/.test(next) ? next : '/'} replace />;
}

/** Takes the token out of the fragment (and out of the address bar and history). */
function takeToken(): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]{1,200})(?:&|$)/.exec(window.location.hash);
  if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname);
  return m ? m[1]! : null;
}

export function Invitation() {
  const { t } = useTranslation('invitation');
  const { signedIn } = useSession();
  const token = useRef<string | null | undefined>(undefined);
  if (token.current === undefined) token.current = takeToken();
  const [opened, setOpened] = useState<{ factor: Factor; mobile: string | null } | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<{ code?: string; password?: string; repeat?: string }>({});
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  const failText = (err: unknown) =>
    err instanceof ApiError && err.status > 0 && err.status < 500 ? err.message : t('common:unavailable');

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (!token.current) {
      setFatal(t('noToken'));
      return;
    }
    api<{ factors: Factor[]; mobile: string | null }>('/api/v1/invitations/open', {
      method: 'POST',
      body: { invitationToken: token.current },
    })
      .then((r) => setOpened({ factor: r.factors[0] === 'totp' ? 'totp' : 'sms', mobile: r.mobile }))
      .catch((err: unknown) =>
        setFatal(
          err instanceof ApiError && err.reason === 'invitation_invalid' ? t('invalid') : failText(err),
        ),
      );
  }, []);

  const sendSms = async () => {
    setError(null);
    setInfo(null);
    try {
      await api('/api/v1/invitations/sms', { method: 'POST', body: { invitationToken: token.current } });
      setInfo(t('smsSent', { mobile: opened?.mobile ?? '' }));
    } catch (err) {
      setError(failText(err));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: typeof errors = {};
    if (!code.trim()) local.code = t('codeMissing');
    if (!password) local.password = t('passwordMissing');
    else if (password !== repeat) local.repeat = t('mismatch');
    setErrors(local);
    setError(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const r = await api<{ csrfToken: string; applicationId: string | null }>('/api/v1/invitations/accept', {
        method: 'POST',
        body: { invitationToken: token.current, factor: opened!.factor, code: code.trim(), password },
      });
      // Signed in, the shell shows AfterInvitation at this address, which goes on from here.
      sessionStorage.setItem(NEXT_KEY, r.applicationId ? `/applications/${r.applicationId}` : '/');
      await signedIn(r.csrfToken);
    } catch (err) {
      const policy = passwordProblems(err, t);
      if (policy) setErrors({ password: policy });
      else if (err instanceof ApiError && err.status === 401 && err.reason !== 'invitation_invalid')
        setErrors({ code: failText(err) });
      else setError(failText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="centered" id="main">
      <PageTitle>{t('title')}</PageTitle>
      {fatal ? (
        <>
          <Alert kind="error">{fatal}</Alert>
          <p>{t('whatNow')}</p>
          <p>
            <Link to="/sign-in">{t('toSignIn')}</Link>
          </p>
        </>
      ) : !opened ? (
        <p role="status">{t('opening')}</p>
      ) : (
        <>
          <p>{t(opened.factor === 'sms' ? 'introSms' : 'introTotp')}</p>
          {error ? <Alert kind="error">{error}</Alert> : null}
          {info ? <Alert kind="info">{info}</Alert> : null}
          {opened.factor === 'sms' ? (
            <p>
              <Button kind="secondary" onClick={() => void sendSms()}>
                {t('sendSms', { mobile: opened.mobile ?? '' })}
              </Button>
            </p>
          ) : null}
          <form onSubmit={submit} noValidate>
            <Field
              label={t(`codeLabel.${opened.factor}`)}
              name="code"
              value={code}
              onChange={setCode}
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              error={errors.code}
            />
            <Field
              label={t('password')}
              name="new-password"
              type="password"
              value={password}
              onChange={setPassword}
              autoComplete="new-password"
              hint={t('passwordHint')}
              required
              error={errors.password}
            />
            <Field
              label={t('repeat')}
              name="repeat-password"
              type="password"
              value={repeat}
              onChange={setRepeat}
              autoComplete="new-password"
              required
              error={errors.repeat}
            />
            <Button type="submit" busy={busy}>
              {t('submit')}
            </Button>
          </form>
        </>
      )}
    </main>
  );
}
