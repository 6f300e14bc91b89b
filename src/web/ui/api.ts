/**
 * The one way the web apps call their server's JSON API: same origin, the session cookie sent by
 * the browser (HttpOnly, never readable here), the CSRF token of the session repeated in
 * `X-CSRF-Token` on every state-changing request, problem answers turned into {@link ApiError}.
 */

/** A field-level error from the server (`errors` of a problem answer). */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly reason: string | null;
  readonly errors: FieldError[];
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body['detail'] === 'string' ? body['detail'] : `request failed (${status})`);
    this.status = status;
    this.body = body;
    this.reason = typeof body['reason'] === 'string' ? body['reason'] : null;
    this.errors = Array.isArray(body['errors']) ? (body['errors'] as FieldError[]) : [];
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from the sign-in answer or the session view). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

export async function api<T = unknown>(path: string, o: ApiOptions = {}): Promise<T> {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  // Every change sends a JSON body (an empty object when there is nothing to say).
  const body = o.body !== undefined ? o.body : method !== 'GET' && method !== 'DELETE' ? {} : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) throw new ApiError(res.status, (json ?? {}) as Record<string, unknown>);
  return json as T;
}

/**
 * Uploads a file as the raw request body with progress (fetch has no upload progress; XHR does).
 * Resolves with the parsed answer or rejects with an ApiError.
 */
export function uploadWithProgress<T = unknown>(
  url: string,
  file: Blob,
  headers: Record<string, string>,
  onProgress: (loaded: number, total: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, { detail: 'network error' }));
    xhr.onload = () => {
      const body = xhr.responseText ? (JSON.parse(xhr.responseText) as Record<string, unknown>) : {};
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, body));
    };
    xhr.send(file);
  });
}
