/** Loading an API answer for a page: the data, the error, and a way to load it again. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../ui/api.ts';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  reload: () => Promise<void>;
}

/** Calls `load` when `key` changes (and on `reload`); an answer that arrives after a newer call is dropped. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const d = await loadRef.current();
      if (mine === seq.current) {
        setData(d);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(err);
    }
  }, []);
  useEffect(() => {
    setData(null);
    void reload();
  }, [key, reload]);
  return { data, error, reload };
}

/** The text to show for a failed call: the server's safe detail, or "unavailable" for network and 5xx. */
export function problemText(err: unknown, unavailable: string): string {
  if (err instanceof ApiError && err.status > 0 && err.status < 500) return err.message;
  return unavailable;
}

/**
 * Field-level errors of a failed call (none for other failures), as JSON pointers into the body:
 * schema errors name the body as `body/...`, use-case errors start at the body's root (`/...`).
 */
export function fieldErrors(err: unknown): ApiError['errors'] {
  if (!(err instanceof ApiError)) return [];
  return err.errors.map((e) => ({ ...e, path: e.path.replace(/^body(?=\/|$)/, '') }));
}
