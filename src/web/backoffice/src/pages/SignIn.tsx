/**
 * Staff sign-in: username and password, then the second factor the account has (authenticator
 * code, SMS code, or a recovery code). An account with no second factor at all enrols an
 * authenticator app on the spot (QR code and secret, then a code from the app) and is shown its
 * new recovery codes once. A session started on a trusted network skips the second factor; the
 * answer says so and the shell shows it. One message for every failure, as the API gives it.
 */
import { QRCodeSVG } from 'qrcode.react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, Field, PageTitle, SecondFactorFields } from '../../../ui/components.tsx';
import { useSession, type StaffSession } from '../session.tsx';
import { SsoProviderLinks, useSsoReturn, type PendingSecondFactor } from './SignInSso.tsx';
import { passkeysSupported, signWithPasskey } from '../../../ui/passkey.ts';

type Factor = 'totp' | 'sms' | 'recovery';
/** What the second step offers: the coded factors, and a passkey (no code: the browser signs). */
type Offered = Factor | 'passkey';
const coded = (factors: Offered[]): Factor[] => factors.filter((f): f is Factor => f !== 'passkey');
type SignedIn = StaffSession & { recoveryCodes?: string[]; recoveryCodesRemaining?: number };
type LoginAnswer =
  | ({ status: 'signed_in' } & SignedIn)
  | {
      status: 'second_factor_required';
      factors: Offered[];
      enrolmentRequired: boolean;
      mobile: string | null;
    };

/** Few enough recovery codes left that the user should make new ones. */
const FEW_CODES = 3;

type Step =
  | { kind: 'password' }
  | { kind: 'factor'; factors: Offered[]; mobile: string | null }
  | { kind: 'enrol'; uri: string; secret: string }
  | { kind: 'after'; session: SignedIn };

export function SignIn() {
  const { t } = useTranslation('signin');
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [factor, setFactor] = useState<Factor>('totp');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const enter = (s: StaffSession) => {
    // The shell shows a banner for a session that skipped the second factor on a trusted network.
    if (s.session.secondFactor === 'trusted_network' || s.session.secondFactor === null)
      sessionStorage.setItem('dossier.trustedSkip', '1');
    else sessionStorage.removeItem('dossier.trustedSkip');
    signedIn(s);
    void navigate('/', { replace: true });
  };
  const done = (s: SignedIn) => {
    // New recovery codes (after a first enrolment) or few left: say so before going on.
    if (s.recoveryCodes?.length || (s.recoveryCodesRemaining ?? FEW_CODES + 1) <= FEW_CODES)
      setStep({ kind: 'after', session: s });
    else enter(s);
  };
  const failed = (err: unknown) => {
    setError(err instanceof ApiError ? err.message : t('unavailable'));
  };

  // Back from single sign-on without the provider's multi-factor: the same second step as after the password.
  const ssoSecondStep = async (p: PendingSecondFactor) => {
    try {
      if (p.enrolmentRequired) {
        const e = await api<{ otpauthUri: string; secret: string }>('/api/v1/auth/login/enrolment', {
          method: 'POST',
        });
        setFactor('totp');
        setStep({ kind: 'enrol', uri: e.otpauthUri, secret: e.secret });
        return;
      }
      const factors = p.factors as Offered[];
      setStep({ kind: 'factor', factors, mobile: p.mobile });
      setFactor(coded(factors)[0] ?? 'totp');
    } catch (err) {
      failed(err);
    }
  };
  useSsoReturn({ error: setError, secondFactor: (p) => void ssoSecondStep(p) });

  const submitPassword = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setInfo(null);
    setBusy(true);
    try {
      const r = await api<LoginAnswer>('/api/v1/auth/login', {
        method: 'POST',
        body: { username, password },
      });
      setPassword('');
      if (r.status === 'signed_in') return done(r);
      if (r.enrolmentRequired) {
        const e = await api<{ otpauthUri: string; secret: string }>('/api/v1/auth/login/enrolment', {
          method: 'POST',
        });
        setFactor('totp');
        setStep({ kind: 'enrol', uri: e.otpauthUri, secret: e.secret });
        return;
      }
      setStep({ kind: 'factor', factors: r.factors, mobile: r.mobile });
      setFactor(coded(r.factors)[0] ?? 'totp');
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
      setInfo(t('smsSent', { mobile: step.kind === 'factor' ? (step.mobile ?? '') : '' }));
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
        await api<SignedIn>('/api/v1/auth/login/second-factor', {
          method: 'POST',
          body: { factor, code: code.trim() },
        }),
      );
    } catch (err) {
      failed(err);
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  /** A passkey: alone (passwordless, from the first step) or as the second factor of this sign-in. */
  const withPasskey = async (mode: 'passwordless' | 'second_factor') => {
    setError(null);
    setInfo(null);
    setBusy(true);
    try {
      done(
        mode === 'passwordless'
          ? await signWithPasskey<SignedIn>(
              '/api/v1/auth/passkeys/sign-in/options',
              '/api/v1/auth/passkeys/sign-in',
              t('passkey.cancelled'),
            )
          : await signWithPasskey<SignedIn>(
              '/api/v1/auth/login/passkey/options',
              '/api/v1/auth/login/passkey',
              t('passkey.cancelled'),
            ),
      );
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    setError(null);
    setInfo(null);
    try {
      await api('/api/v1/auth/login/cancel', { method: 'POST' });
    } catch {
      // The sign-in dies on its own within minutes; starting again is what matters.
    }
    setCode('');
    setStep({ kind: 'password' });
  };

  const factorText = {
    legend: t('factor'),
    factorName: (f: Factor) => t(`factors.${f}`),
    codeLabel: (f: Factor) => t(`codeLabel.${f}`),
    sendSms: t('sendSms'),
  };

  const codeField = (
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
  );

  return (
    <main className="centered" id="main">
      <PageTitle>
        {step.kind === 'enrol' ? t('enrol.title') : step.kind === 'after' ? t('after.title') : t('title')}
      </PageTitle>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {info ? <Alert kind="info">{info}</Alert> : null}
      {step.kind === 'password' ? <SsoProviderLinks /> : null}
      {step.kind === 'password' ? (
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
      ) : step.kind === 'factor' && coded(step.factors).length === 0 ? (
        <div className="signin-actions">
          <Button busy={busy} onClick={() => void withPasskey('second_factor')}>
            {t('passkey.use')}
          </Button>
          <Button kind="secondary" onClick={() => void cancel()}>
            {t('startAgain')}
          </Button>
        </div>
      ) : step.kind === 'factor' ? (
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
            text={factorText}
            autoFocus
          />
          <div className="signin-actions">
            <Button type="submit" busy={busy}>
              {t('signIn')}
            </Button>
            <Button kind="secondary" onClick={() => void cancel()}>
              {t('startAgain')}
            </Button>
          </div>
        </form>
      ) : step.kind === 'enrol' ? (
        <form onSubmit={submitCode} noValidate>
          <p>{t('enrol.intro')}</p>
          <div className="signin-qr">
            <QRCodeSVG value={step.uri} size={192} marginSize={2} title={t('enrol.qr')} role="img" />
          </div>
          <p>
            {t('enrol.manual')} <code className="signin-secret">{step.secret}</code>
          </p>
          {codeField}
          <div className="signin-actions">
            <Button type="submit" busy={busy}>
              {t('enrol.submit')}
            </Button>
            <Button kind="secondary" onClick={() => void cancel()}>
              {t('startAgain')}
            </Button>
          </div>
        </form>
      ) : (
        <div>
          {step.session.recoveryCodes?.length ? (
            <>
              <Alert kind="info">{t('after.codesOnce')}</Alert>
              <ul aria-label={t('after.codesLabel')} className="signin-codes">
                {step.session.recoveryCodes.map((c) => (
                  <li key={c}>
                    <code>{c}</code>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <Alert kind="info">
              {t('after.fewLeft', { count: step.session.recoveryCodesRemaining ?? 0 })}
            </Alert>
          )}
          <Button onClick={() => enter(step.session)}>{t('after.continue')}</Button>
        </div>
      )}
    </main>
  );
}
