/**
 * Step-up for sensitive actions. Routes marked `stepUp` answer 403 with reason `step_up_required`
 * when the session's last second factor is older than the step-up window; `withStepUp(call)` then
 * asks for the second factor in a modal dialog (authenticator code, SMS code or recovery code, as
 * the account has them), gives it to `POST /api/v1/auth/step-up` and runs the call once more.
 *
 * ```tsx
 * const withStepUp = useStepUp();            // or: const { withStepUp } = useStepUp();
 * await withStepUp(() => api('/api/v1/roles', { method: 'POST', body }));
 * ```
 *
 * A session that single sign-on started may also confirm at its provider ("Confirm with <provider>"):
 * the browser leaves for the provider and comes back to this page with `?step_up=done` or
 * `?step_up_error=<code>`; the call cannot be retried across that page load, so the page tells the
 * user the outcome and that they do the action again.
 *
 * Cancelling rejects with {@link StepUpCancelledError} (an ApiError, so the usual error display
 * shows its message). Several calls needing a step-up at once share one prompt. The dialog is a
 * native `<dialog>` opened with showModal(): the page behind is inert, focus stays inside, Escape
 * cancels. It renders in its own small React root, so no provider has to be mounted.
 */
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type FormEvent,
} from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setCsrfToken } from '../../ui/api.ts';
import { Alert, Button, SecondFactorFields } from '../../ui/components.tsx';
import { useSession, type StaffSession } from './session.tsx';
import { passkeysSupported, signWithPasskey } from '../../ui/passkey.ts';

/** The reason of the access gate's 403 when a fresh second factor is needed. */
export const STEP_UP_REQUIRED = 'step_up_required';

type Factor = 'totp' | 'sms' | 'recovery';

interface FactorsAnswer {
  totp: { confirmedAt: string } | null;
  sms: { mobile: string } | null;
  recoveryCodesRemaining: number;
}

/** The user closed the step-up prompt without giving a second factor. */
export class StepUpCancelledError extends ApiError {
  constructor(message: string) {
    super(403, { detail: message, reason: 'step_up_cancelled' });
    this.name = 'StepUpCancelledError';
  }
}

export type WithStepUp = <T>(call: () => Promise<T>) => Promise<T>;

/** Whether an error is the gate's "give your second factor again". */
export function isStepUpRequired(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403 && err.reason === STEP_UP_REQUIRED;
}

// ---- the prompt's state, shared by every caller ----------------------------------------------

interface Prompt {
  done: (view: StaffSession) => void;
  cancel: () => void;
}

let current: Prompt | null = null;
/** The outcome of a step-up at the single sign-on provider, read from the URL this page loaded with. */
let returned: { ok: boolean; code: string } | null = null;
const RETURN_CODES = ['failed', 'expired', 'unavailable', 'wrong_account', 'no_mfa'];
let inFlight: Promise<StaffSession> | null = null;
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const snapshot = () => current;
const returnedSnapshot = () => returned;
function setPrompt(p: Prompt | null) {
  current = p;
  for (const l of listeners) l();
}
function dismissReturned() {
  returned = null;
  for (const l of listeners) l();
}

/** Takes the provider step-up's outcome out of the URL (before the router reads it). */
function readReturn() {
  if (typeof window === 'undefined') return;
  const url = new URL(window.location.href);
  const ok = url.searchParams.get('step_up') === 'done';
  const code = url.searchParams.get('step_up_error');
  if (!ok && code === null) return;
  returned = ok
    ? { ok: true, code: '' }
    : { ok: false, code: RETURN_CODES.includes(code ?? '') ? code! : 'failed' };
  url.searchParams.delete('step_up');
  url.searchParams.delete('step_up_error');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}
readReturn();

let hostMounted = false;
function ensureHost() {
  if (hostMounted) return;
  hostMounted = true;
  const el = document.createElement('div');
  el.id = 'step-up-root';
  document.body.append(el);
  createRoot(el).render(<StepUpDialog />);
}

/** Opens the prompt (or joins the one open); resolves with the refreshed session, rejects on cancel. */
function askForSecondFactor(cancelledMessage: string): Promise<StaffSession> {
  if (inFlight) return inFlight;
  ensureHost();
  inFlight = new Promise<StaffSession>((resolve, reject) => {
    setPrompt({
      done: (view) => {
        setPrompt(null);
        resolve(view);
      },
      cancel: () => {
        setPrompt(null);
        reject(new StepUpCancelledError(cancelledMessage));
      },
    });
  }).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/**
 * The step-up wrapper for API calls of the back office. Returns `withStepUp` (also available as
 * its `.withStepUp` property): runs `call`; when it answers 403 `step_up_required`, prompts for the
 * second factor and runs `call` again (once). Other errors pass through unchanged.
 */
export function useStepUp(): WithStepUp & { withStepUp: WithStepUp } {
  const { t } = useTranslation('stepup');
  const { signedIn } = useSession();
  // Back from the provider: the page that asked shows the outcome (mounted once i18n is running).
  useEffect(() => {
    if (returned) ensureHost();
  }, []);
  return useMemo(() => {
    const withStepUp: WithStepUp = async <T,>(call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (err) {
        if (!isStepUpRequired(err)) throw err;
      }
      const view = await askForSecondFactor(t('cancelled'));
      signedIn(view);
      return call();
    };
    return Object.assign(withStepUp, { withStepUp });
  }, [t, signedIn]);
}

// ---- the dialog ------------------------------------------------------------------------------

/** The modal prompt; mounted once, on the first step-up. Exported for tests and previews. */
export function StepUpDialog() {
  const prompt = useSyncExternalStore(subscribe, snapshot);
  const back = useSyncExternalStore(subscribe, returnedSnapshot);
  const ref = useRef<HTMLDialogElement>(null);
  const open = prompt !== null || back !== null;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="stepup-dialog"
      aria-labelledby="stepup-title"
      onCancel={(e) => {
        e.preventDefault();
        if (prompt) prompt.cancel();
        else dismissReturned();
      }}
    >
      {prompt ? <StepUpForm prompt={prompt} /> : back ? <ReturnedNotice back={back} /> : null}
    </dialog>
  );
}

/** After the round trip to the provider: confirmed (do the action again) or why not. */
function ReturnedNotice({ back }: { back: { ok: boolean; code: string } }) {
  const { t } = useTranslation('stepup');
  return (
    <div>
      <h2 id="stepup-title">{back.ok ? t('sso.confirmedTitle') : t('sso.failedTitle')}</h2>
      {back.ok ? (
        <Alert kind="info">{t('sso.confirmed')}</Alert>
      ) : (
        <Alert kind="error">{t(`sso.errors.${back.code}`)}</Alert>
      )}
      <div className="stepup-actions">
        <Button onClick={dismissReturned}>{t('sso.ok')}</Button>
      </div>
    </div>
  );
}

function StepUpForm({ prompt }: { prompt: Prompt }) {
  const { t } = useTranslation('stepup');
  const [factors, setFactors] = useState<{
    list: Factor[];
    mobile: string | null;
    passkey: boolean;
    /** The single sign-on provider this session can confirm at again, if any. */
    sso: { id: string; displayName: string } | null;
  } | null>(null);
  const [factor, setFactor] = useState<Factor>('totp');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([
      api<FactorsAnswer>('/api/v1/auth/factors'),
      api<{ items: unknown[] }>('/api/v1/auth/passkeys'),
      api<{ provider: { id: string; displayName: string } | null }>('/api/v1/auth/sso/step-up'),
    ])
      .then(([f, p, sso]) => {
        if (!live) return;
        const list: Factor[] = [];
        if (f.totp) list.push('totp');
        if (f.sms) list.push('sms');
        if (f.recoveryCodesRemaining > 0) list.push('recovery');
        setFactors({
          list,
          mobile: f.sms?.mobile ?? null,
          passkey: p.items.length > 0 && passkeysSupported(),
          sso: sso.provider,
        });
        setFactor(list[0] ?? 'totp');
      })
      .catch((err: unknown) => {
        if (live) setError(err instanceof ApiError ? err.message : t('unavailable'));
      });
    return () => {
      live = false;
    };
  }, [t]);

  const sendSms = useCallback(async () => {
    setError(null);
    try {
      await api('/api/v1/auth/step-up/sms', { method: 'POST' });
      setInfo(t('smsSent', { mobile: factors?.mobile ?? '' }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('unavailable'));
    }
  }, [factors, t]);

  /** Steps up with a passkey instead of a code. */
  const stepUpWithPasskey = async () => {
    setError(null);
    setBusy(true);
    try {
      const view = await signWithPasskey<StaffSession>(
        '/api/v1/auth/step-up/passkey/options',
        '/api/v1/auth/step-up/passkey',
        t('passkeyCancelled'),
      );
      setCsrfToken(view.session.csrfToken);
      prompt.done(view);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('unavailable'));
    } finally {
      setBusy(false);
    }
  };

  /** Leaves for the provider (a full page load); it sends the browser back to this page. */
  const stepUpWithSso = async () => {
    setError(null);
    setBusy(true);
    try {
      const url = new URL(window.location.href);
      url.searchParams.delete('step_up');
      url.searchParams.delete('step_up_error');
      const r = await api<{ url: string }>('/api/v1/auth/sso/step-up/start', {
        method: 'POST',
        body: { returnTo: `${url.pathname}${url.search}` },
      });
      window.location.assign(r.url);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('unavailable'));
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const view = await api<StaffSession>('/api/v1/auth/step-up', {
        method: 'POST',
        body: { factor, code: code.trim() },
      });
      setCsrfToken(view.session.csrfToken);
      prompt.done(view);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('unavailable'));
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="stepup-title">{t('title')}</h2>
      <p>{t('intro')}</p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {info ? <Alert kind="info">{info}</Alert> : null}
      {factors === null ? (
        error ? null : (
          <p role="status">{t('loading')}</p>
        )
      ) : factors.list.length === 0 && !factors.passkey && !factors.sso ? (
        <Alert kind="error">{t('noFactor')}</Alert>
      ) : (
        <>
          {factors.sso ? (
            <>
              <p>
                {t(factors.list.length || factors.passkey ? 'sso.introOr' : 'sso.intro', {
                  provider: factors.sso.displayName,
                })}
              </p>
              <p>
                <Button
                  kind={factors.list.length || factors.passkey ? 'secondary' : 'primary'}
                  busy={busy}
                  onClick={() => void stepUpWithSso()}
                >
                  {t('sso.confirm', { provider: factors.sso.displayName })}
                </Button>
              </p>
            </>
          ) : null}
          {factors.passkey ? (
            <p>
              <Button
                kind={factors.list.length ? 'secondary' : 'primary'}
                busy={busy}
                onClick={() => void stepUpWithPasskey()}
              >
                {t('usePasskey')}
              </Button>
            </p>
          ) : null}
          {factors.list.length ? (
            <SecondFactorFields
              name="stepup"
              factors={factors.list}
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
          ) : null}
        </>
      )}
      <div className="stepup-actions">
        {factors?.list.length ? (
          <Button type="submit" busy={busy}>
            {t('confirm')}
          </Button>
        ) : null}
        <Button kind="secondary" onClick={prompt.cancel}>
          {t('cancel')}
        </Button>
      </div>
    </form>
  );
}
