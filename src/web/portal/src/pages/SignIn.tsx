/**
 * Client sign-in: username or e-mail and password, then always a second factor (a code, or a
 * passkey); or a passkey alone where the firm allows it ("Sign in with a passkey").
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle, SecondFactorFields } from '../../../ui/components.tsx';
import { useSession } from '../session.tsx';
import { passkeysSupported, signWithPasskey } from '../../../ui/passkey.ts';

type Factor = 'totp' | 'sms';
type Offered = Factor | 'passkey';
const coded = (factors: Offered[]): Factor[] => factors.filter((f): f is Factor => f !== 'passkey');

export function SignIn() {
  const { t } = useTranslation('signin');
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<{ factors: Offered[]; mobile: string | null } | null>(null);
  const [factor, setFactor] = useState<Factor>('sms');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const failed = (err: unknown) => setError(err instanceof ApiError ? err.message : t('unavailable'));

  const submitPassword = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await api<{ factors: Offered[]; mobile: string | null }>('/api/v1/auth/login', {
        method: 'POST',
        body: { username, password },
      });
      setStep(r);
      setFactor(r.factors.includes('totp') ? 'totp' : 'sms');
      if (coded(r.factors).length === 0) setFactor('sms');
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
      const r = await api<{ csrfToken: string }>('/api/v1/auth/login/second-factor', {
        method: 'POST',
        body: { factor, code: code.trim() },
      });
      await signedIn(r.csrfToken);
      void navigate('/', { replace: true });
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };

  /** A passkey: alone (passwordless) or as the second factor of the sign-in in progress. */
  const withPasskey = async (mode: 'passwordless' | 'second_factor') => {
    setError(null);
    setInfo(null);
    setBusy(true);
    try {
      const base = mode === 'passwordless' ? '/api/v1/auth/passkeys/sign-in' : '/api/v1/auth/login/passkey';
      const r = await signWithPasskey<{ csrfToken: string }>(`${base}/options`, base, t('passkey.cancelled'));
      await signedIn(r.csrfToken);
      void navigate('/', { replace: true });
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
          {passkeysSupported() ? (
            <p>
              <Button kind="secondary" onClick={() => void withPasskey('passwordless')}>
                {t('passkey.signIn')}
              </Button>
            </p>
          ) : null}
        </form>
      ) : coded(step.factors).length === 0 ? (
        <p>
          <Button busy={busy} onClick={() => void withPasskey('second_factor')}>
            {t('passkey.use')}
          </Button>
        </p>
      ) : (
        <form onSubmit={submitCode} noValidate>
          {step.factors.includes('passkey') ? (
            <p>
              <Button kind="secondary" onClick={() => void withPasskey('second_factor')}>
                {t('passkey.use')}
              </Button>
            </p>
          ) : null}
          <SecondFactorFields
            name="signin"
            factors={coded(step.factors)}
            factor={factor}
            onFactor={setFactor}
            code={code}
            onCode={setCode}
            onSendSms={() => void sendSms()}
            text={{
              legend: t('factor'),
              factorName: (f) => t(`factors.${f}`),
              codeLabel: (f) => t(`codeLabel.${f}`),
              sendSms: t('sendSms'),
            }}
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
