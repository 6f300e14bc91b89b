/**
 * One operation the portal forwards to the link. Each feature lists its operations in its own file
 * under `operations/`; `client-routes.ts` joins them into `PORTAL_OPERATIONS`, the complete list of
 * what the portal offers (the access matrix tests walk it).
 */
export interface PortalOperation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The portal route (under /api/v1). */
  path: string;
  /**
   * The link operation. Every `:name` in it is filled from the portal route's parameter of that
   * name, which must be a UUID (anything else is 404 before the link is called).
   */
  link: string;
  /** A step before there is a session (sign-in, invitation); the others need the client's session. */
  public?: boolean;
  /** What to do with a session token in a 200 answer: set it as the cookie (and not show it). */
  issuesSession?: boolean;
  /** Clear the cookie whatever the answer (sign-out). */
  endsSession?: boolean;
  /**
   * The body is a raw file (`application/octet-stream`, file name percent-encoded in `X-File-Name`)
   * streamed to the link as it arrives: never buffered, never written to disk, capped at
   * `documents.maxUploadBytes` (client-routes.ts). Other bodies are JSON.
   */
  stream?: boolean;
  /** Query parameters passed on to the link operation (single values, at most 200 characters each); others are dropped. */
  query?: readonly string[];
}
