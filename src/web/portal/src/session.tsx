/**
 * The signed-in client user, as the server says (GET /api/v1/me). The session token is only in the
 * portal's HttpOnly cookie; the CSRF token comes from the sign-in answer and is kept in memory and
 * in sessionStorage (a tab reload keeps it; it is useless without the cookie).
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from '../../ui/api.ts';

export interface ClientMe {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: 'owner' | 'contributor' | 'read_only';
  organisation: { id: string; name: string };
  mobile: string | null;
}

interface SessionState {
  me: ClientMe | null;
  loading: boolean;
  refresh: () => Promise<void>;
  signedIn: (csrfToken: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** A step-up rotates the session: its new CSRF token replaces the old one. */
  replaceCsrf: (csrfToken: string) => void;
  /** Whether this user's role may change things (owner, contributor); the API decides anyway. */
  canChange: boolean;
}

/** The CSRF token of this tab's session (for keepalive requests sent while the page unloads). */
export function currentCsrf(): string | null {
  return sessionStorage.getItem(CSRF_KEY);
}

const CSRF_KEY = 'dossier.portal.csrf';
const Ctx = createContext<SessionState | null>(null);

export function SessionProvider(props: { children: ReactNode }) {
  const [me, setMe] = useState<ClientMe | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    setCsrfToken(sessionStorage.getItem(CSRF_KEY));
    try {
      setMe(await api<ClientMe>('/api/v1/me'));
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const signedIn = useCallback(
    async (csrfToken: string) => {
      sessionStorage.setItem(CSRF_KEY, csrfToken);
      await refresh();
    },
    [refresh],
  );
  const signOut = useCallback(async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST' });
    } finally {
      sessionStorage.removeItem(CSRF_KEY);
      setCsrfToken(null);
      setMe(null);
    }
  }, []);
  const replaceCsrf = useCallback((csrfToken: string) => {
    sessionStorage.setItem(CSRF_KEY, csrfToken);
    setCsrfToken(csrfToken);
  }, []);
  const canChange = me !== null && me.role !== 'read_only';
  return (
    <Ctx.Provider value={{ me, loading, refresh, signedIn, signOut, replaceCsrf, canChange }}>
      {props.children}
    </Ctx.Provider>
  );
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
