/**
 * The signed-in staff user, as the server says (GET /api/v1/auth/session): who, which rights, the
 * CSRF token for changes. The UI only hides what the user may not do; the API decides.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from '../../ui/api.ts';

export interface StaffSession {
  user: { id: string; username: string; displayName: string; rights: string[] };
  session: {
    id: string;
    expiresAt: string;
    secondFactor: string | null;
    steppedUpUntil: string | null;
    csrfToken: string;
  };
}

interface SessionState {
  current: StaffSession | null;
  loading: boolean;
  refresh: () => Promise<void>;
  signedIn: (s: StaffSession) => void;
  signOut: () => Promise<void>;
  can: (right: string) => boolean;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider(props: { children: ReactNode }) {
  const [current, setCurrent] = useState<StaffSession | null>(null);
  const [loading, setLoading] = useState(true);
  const signedIn = useCallback((s: StaffSession) => {
    setCsrfToken(s.session.csrfToken);
    setCurrent(s);
  }, []);
  const refresh = useCallback(async () => {
    try {
      signedIn(await api<StaffSession>('/api/v1/auth/session'));
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      setCsrfToken(null);
      setCurrent(null);
    } finally {
      setLoading(false);
    }
  }, [signedIn]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const signOut = useCallback(async () => {
    let endSessionUrl: string | null;
    try {
      // Also answers, for a single sign-on session, where to sign out at the provider.
      endSessionUrl = (
        await api<{ endSessionUrl: string | null }>('/api/v1/auth/sso/logout', { method: 'POST' })
      ).endSessionUrl;
    } finally {
      setCsrfToken(null);
      setCurrent(null);
    }
    // Only a URL of the configured provider's, built by the server; https only.
    if (endSessionUrl?.startsWith('https://')) window.location.assign(endSessionUrl);
  }, []);
  const can = useCallback((right: string) => current?.user.rights.includes(right) ?? false, [current]);
  return (
    <Ctx.Provider value={{ current, loading, refresh, signedIn, signOut, can }}>
      {props.children}
    </Ctx.Provider>
  );
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
