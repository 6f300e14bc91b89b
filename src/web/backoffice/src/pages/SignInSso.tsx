/**
 * Single sign-on on the sign-in page: one "Sign in with <provider>" link per configured provider
 * (a plain link: the server redirects to the provider), and what the callback sends back to this
 * page: `?sso_error=<code>` (a fixed word, shown as our own message) or `?step=second-factor`
 * (the provider did not assert a multi-factor sign-in: Dossier's second factor follows, exactly as
 * after the password).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../../ui/api.ts';

interface Provider {
  id: string;
  displayName: string;
  startUrl: string;
}

/** What the second step needs to know, as the password step's answer gives it. */
export interface PendingSecondFactor {
  factors: string[];
  enrolmentRequired: boolean;
  mobile: string | null;
}

const ERROR_CODES = new Set(['failed', 'expired', 'unavailable', 'not_allowed', 'disabled', 'rate_limited']);

/** Reads what the single sign-on callback put in the URL, once, then clears it from the address bar. */
export function useSsoReturn(on: {
  error: (message: string) => void;
  secondFactor: (pending: PendingSecondFactor) => void;
}) {
  const { t } = useTranslation('signin');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const handled = useRef(false);
  useEffect(() => {
    if (handled.current) return;
    handled.current = true;
    const code = params.get('sso_error');
    const step = params.get('step');
    if (!code && step !== 'second-factor') return;
    void navigate('/sign-in', { replace: true });
    // Never the URL's text: only our message for a known code.
    if (code) return on.error(t(`sso.errors.${ERROR_CODES.has(code) ? code : 'failed'}`));
    api<PendingSecondFactor>('/api/v1/auth/sso/pending')
      .then(on.secondFactor)
      .catch(() => on.error(t('sso.errors.expired')));
  }, [params, navigate, on, t]);
}

/** The providers' sign-in links; nothing when none is configured. */
export function SsoProviderLinks() {
  const { t } = useTranslation('signin');
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => {
    api<{ items: Provider[] }>('/api/v1/auth/sso/providers')
      .then((r) => setProviders(r.items))
      .catch(() => setProviders([]));
  }, []);
  if (providers.length === 0) return null;
  return (
    <nav aria-label={t('sso.label')} className="signin-sso">
      <ul>
        {providers.map((p) => (
          <li key={p.id}>
            <a className="btn btn-secondary" href={p.startUrl}>
              {t('sso.signInWith', { name: p.displayName })}
            </a>
          </li>
        ))}
      </ul>
      <p className="signin-sso-or">{t('sso.or')}</p>
    </nav>
  );
}
