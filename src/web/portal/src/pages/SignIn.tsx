/** Client sign-in: username or e-mail and password, then always a second factor. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle, SecondFactorFields } from '../../../ui/components.tsx';
import { useSession } from '../session.tsx';

type Factor = 'totp' | 'sms';

export function SignIn() {
  const { t } = useTranslation('signin');
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<{ factors: Factor[]; mobile: string | null } | null>(null);
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
      const r = await api<{ factors: Factor[]; mobile: string | null }>('/api/v1/auth/login', {
        method: 'POST',
        body: { username, password },
      });
      setStep(r);
      setFactor(r.factors.includes('totp') ? 'totp' : 'sms');
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
          <SecondFactorFields
            name="signin"
            factors={step.factors}
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
