/**
 * Staff sign-in: username and password, then the second factor the account has (authenticator
 * code, SMS code, or a recovery code), unless the session started on a trusted network, which the
 * answer says and the page shows. One message for every failure, as the API gives it.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../ui/components.tsx';
import { useSession, type StaffSession } from '../session.tsx';

type Factor = 'totp' | 'sms' | 'recovery';
type LoginAnswer =
  | ({ status: 'signed_in' } & StaffSession)
  | {
      status: 'second_factor_required';
      factors: Factor[];
      enrolmentRequired: boolean;
      mobile: string | null;
    };

export function SignIn() {
  const { t } = useTranslation('signin');
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<{ factors: Factor[]; mobile: string | null } | null>(null);
  const [factor, setFactor] = useState<Factor>('totp');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const done = (s: StaffSession) => {
    signedIn(s);
    if (s.session.secondFactor === null) sessionStorage.setItem('dossier.trustedSkip', '1');
    else sessionStorage.removeItem('dossier.trustedSkip');
    void navigate('/', { replace: true });
  };
  const failed = (err: unknown) => {
    setError(err instanceof ApiError ? err.message : t('unavailable'));
  };

  const submitPassword = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await api<LoginAnswer>('/api/v1/auth/login', {
        method: 'POST',
        body: { username, password },
      });
      if (r.status === 'signed_in') return done(r);
      setStep({ factors: r.factors, mobile: r.mobile });
      setFactor(r.factors[0] ?? 'totp');
      setPassword('');
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };

  const sendSms = async () => {
    setError(null);
    try {
      await api('/api/v1/auth/login/sms', { method: 'POST' });
      setInfo(t('smsSent', { mobile: step?.mobile ?? '' }));
    } catch (err) {
      failed(err);
    }
  };

  const submitCode = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      done(
        await api<StaffSession>('/api/v1/auth/login/second-factor', {
          method: 'POST',
          body: { factor, code: code.trim() },
        }),
      );
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="centered" id="main">
      <PageTitle>{t('title')}</PageTitle>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {info ? <Alert kind="info">{info}</Alert> : null}
      {!step ? (
        <form onSubmit={submitPassword} noValidate>
          <Field
            label={t('username')}
            name="username"
            value={username}
            onChange={setUsername}
            autoComplete="username"
            required
            autoFocus
          />
          <Field
            label={t('password')}
            name="password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            required
          />
          <Button type="submit" busy={busy}>
            {t('continue')}
          </Button>
        </form>
      ) : (
        <form onSubmit={submitCode} noValidate>
          {step.factors.length > 1 ? (
            <fieldset className="field">
              <legend>{t('factor')}</legend>
              {step.factors.map((f) => (
                <label key={f}>
                  <input
                    type="radio"
                    name="factor"
                    value={f}
                    checked={factor === f}
                    onChange={() => setFactor(f)}
                  />{' '}
                  {t(`factors.${f}`)}
                </label>
              ))}
            </fieldset>
          ) : null}
          {factor === 'sms' ? (
            <p>
              <Button kind="secondary" onClick={() => void sendSms()}>
                {t('sendSms')}
              </Button>
            </p>
          ) : null}
          <Field
            label={t(`codeLabel.${factor}`)}
            name="code"
            value={code}
            onChange={setCode}
            autoComplete="one-time-code"
            inputMode={factor === 'recovery' ? 'text' : 'numeric'}
            required
            autoFocus
          />
          <Button type="submit" busy={busy}>
            {t('signIn')}
          </Button>
        </form>
      )}
    </main>
  );
}
