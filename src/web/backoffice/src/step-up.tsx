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
let inFlight: Promise<StaffSession> | null = null;
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const snapshot = () => current;
function setPrompt(p: Prompt | null) {
  current = p;
  for (const l of listeners) l();
}

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
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (prompt && !d.open) d.showModal();
    if (!prompt && d.open) d.close();
  }, [prompt]);
  return (
    <dialog
      ref={ref}
      className="stepup-dialog"
      aria-labelledby="stepup-title"
      onCancel={(e) => {
        e.preventDefault();
        prompt?.cancel();
      }}
    >
      {prompt ? <StepUpForm prompt={prompt} /> : null}
    </dialog>
  );
}

function StepUpForm({ prompt }: { prompt: Prompt }) {
  const { t } = useTranslation('stepup');
  const [factors, setFactors] = useState<{
    list: Factor[];
    mobile: string | null;
    passkey: boolean;
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
    ])
      .then(([f, p]) => {
        if (!live) return;
        const list: Factor[] = [];
        if (f.totp) list.push('totp');
        if (f.sms) list.push('sms');
        if (f.recoveryCodesRemaining > 0) list.push('recovery');
        setFactors({
          list,
          mobile: f.sms?.mobile ?? null,
          passkey: p.items.length > 0 && passkeysSupported(),
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
      ) : factors.list.length === 0 && !factors.passkey ? (
        <Alert kind="error">{t('noFactor')}</Alert>
      ) : (
        <>
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
