/**
 * Building blocks of the administration pages: loading a resource, running a change (through the
 * step-up prompt when the API asks for a fresh second factor), showing a refusal where it belongs
 * (at the field, or explained in an alert), the rights catalogue as grouped checkboxes, and an
 * inline confirmation for destructive actions. The API decides; these only present its answers.
 */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../../../../ui/api.ts';
import { Alert, Button } from '../../../../ui/components.tsx';
import { useStepUp } from '../../step-up.tsx';

/** One entry of the rights catalogue (GET /api/v1/rights). */
export interface RightView {
  right: string;
  description: string;
  administrative: boolean;
}

export interface RoleView {
  id: string;
  name: string;
  description: string;
  rights: string[];
  trustedNetworkSkip: boolean;
  administrative: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export interface StaffUserView {
  id: string;
  username: string;
  displayName: string;
  email: string;
  mobileMasked: string | null;
  status: 'active' | 'disabled';
  activated: boolean;
  /** 'directory': password and groups live in the directory (no local password reset). */
  source?: 'local' | 'directory';
  passwordChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
  disabledAt: string | null;
  version: number;
}

/** A GET that loads on mount and whenever `path` changes; `path` null loads nothing. */
export function useLoad<T>(path: string | null): {
  data: T | null;
  error: unknown;
  reload: () => void;
} {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) {
      setData(null);
      return;
    }
    const ctl = new AbortController();
    setError(null);
    api<T>(path, { signal: ctl.signal })
      .then((d) => setData(d))
      .catch((err: unknown) => {
        if (!ctl.signal.aborted) setError(err);
      });
    return () => ctl.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, reload };
}

/**
 * Runs changes: one at a time per page section, through the step-up prompt, keeping the last
 * error for display. `run` resolves with the answer, or `undefined` when the change failed.
 */
export function useAction() {
  const withStepUp = useStepUp();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async <T,>(key: string, call: () => Promise<T>): Promise<T | undefined> => {
      setBusy(key);
      setError(null);
      try {
        return await withStepUp(call);
      } catch (err) {
        setError(err);
        return undefined;
      } finally {
        setBusy(null);
      }
    },
    [withStepUp],
  );
  return { busy, error, run, setError };
}

/** The field-level problems of an error (none for anything but a problem answer). */
export function problemsOf(error: unknown): FieldError[] {
  return error instanceof ApiError ? error.errors : [];
}

/** The message for a field from a problem answer: paths `/name` and `name` both match. */
export function fieldError(error: unknown, field: string): string | null {
  const bare = field.replace(/^\//, '');
  return problemsOf(error).find((e) => e.path === `/${bare}` || e.path === bare)?.message ?? null;
}

interface SodViolation {
  rightA: string;
  rightB: string;
  userId: string | null;
  rolesWithA: string[];
  rolesWithB: string[];
}

/**
 * An API refusal explained: the server's message, and for a separation-of-duties refusal each
 * pair that would be held together, by whom and through which roles (names when known).
 */
export function ProblemAlert(props: {
  error: unknown;
  roleName?: (id: string) => string | undefined;
  userName?: (id: string) => string | undefined;
}) {
  const { t } = useTranslation('admin');
  const { error } = props;
  if (!error) return null;
  if (!(error instanceof ApiError) || error.status === 0)
    return <Alert kind="error">{t('common.unavailable')}</Alert>;
  const violations =
    error.reason === 'separation_of_duties' && Array.isArray(error.body['violations'])
      ? (error.body['violations'] as SodViolation[])
      : [];
  const roles = (ids: string[]) =>
    ids.length === 0 ? t('common.sod.thisRole') : ids.map((id) => props.roleName?.(id) ?? id).join(', ');
  if (violations.length)
    return (
      <Alert kind="error">
        <p className="admin-alert-title">{t('common.sod.refused')}</p>
        <ul>
          {violations.map((v, i) => (
            <li key={i}>
              {t('common.sod.pair', {
                who:
                  v.userId === null
                    ? t('common.sod.aRole')
                    : (props.userName?.(v.userId) ?? t('common.sod.aUser')),
                a: v.rightA,
                b: v.rightB,
                rolesA: roles(v.rolesWithA),
                rolesB: roles(v.rolesWithB),
              })}
            </li>
          ))}
        </ul>
        <p>{t('common.sod.fix')}</p>
      </Alert>
    );
  const unplaced = error.errors.filter((e) => e.path === '/' || e.path === '');
  return (
    <Alert kind="error">
      {error.status === 403 && error.reason !== 'step_up_cancelled' && !error.errors.length
        ? t('common.forbidden', { detail: error.message })
        : error.errors.length && !unplaced.length
          ? t('common.fixFields')
          : error.message}
    </Alert>
  );
}

/** The group of the catalogue a right belongs to (the part before the colon). */
const GROUPS: Record<string, string> = {
  programme: 'programmes',
  subject: 'subjects',
  application: 'applications',
  document: 'documents',
  screening: 'screening',
  risk: 'risk',
  client: 'clients',
  audit: 'audit',
  'api-key': 'administration',
  user: 'administration',
  role: 'administration',
  'trusted-network': 'administration',
};

export function groupOf(right: string): string {
  return GROUPS[right.split(':')[0] ?? ''] ?? 'other';
}

/** The catalogue grouped, in catalogue order. */
export function groupRights(catalogue: readonly RightView[]): [string, RightView[]][] {
  const out = new Map<string, RightView[]>();
  for (const r of catalogue) {
    const g = groupOf(r.right);
    out.set(g, [...(out.get(g) ?? []), r]);
  }
  return [...out];
}

/**
 * Rights as checkboxes, one fieldset per group of the catalogue, each with its description.
 * `allowed` (when given) limits what may be ticked; the others are shown disabled.
 */
export function RightsPicker(props: {
  legend: string;
  catalogue: readonly RightView[];
  value: readonly string[];
  onChange: (rights: string[]) => void;
  allowed?: (right: string) => boolean;
  error?: string | null;
}) {
  const { t } = useTranslation('admin');
  const id = useId();
  const toggle = (right: string, on: boolean) =>
    props.onChange(on ? [...props.value, right] : props.value.filter((r) => r !== right));
  return (
    <fieldset className="admin-rights" aria-describedby={props.error ? `${id}-err` : undefined}>
      <legend>{props.legend}</legend>
      {props.error ? (
        <p className="field-error" id={`${id}-err`}>
          {props.error}
        </p>
      ) : null}
      <div className="admin-rights-groups">
        {groupRights(props.catalogue).map(([group, rights]) => (
          <fieldset key={group} className="admin-rights-group">
            <legend>{t(`rightGroups.${group}`)}</legend>
            {rights.map((r) => {
              const disabled = props.allowed ? !props.allowed(r.right) : false;
              return (
                <label key={r.right} className="admin-check">
                  <input
                    type="checkbox"
                    name="rights"
                    value={r.right}
                    checked={props.value.includes(r.right)}
                    disabled={disabled}
                    onChange={(e) => toggle(r.right, e.target.checked)}
                  />
                  <span>
                    <code>{r.right}</code>
                    {r.administrative ? (
                      <span className="admin-badge">{t('common.administrative')}</span>
                    ) : null}
                    <span className="admin-check-desc">{r.description}</span>
                  </span>
                </label>
              );
            })}
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * A destructive action confirmed in place: the first press asks, naming what will happen; the
 * second carries it out. Nothing opens a window, so keyboard and screen-reader users stay put:
 * focus moves to the question (read out as the group's name, the confirm button next), and back
 * to the action's button once answered.
 */
export function ConfirmAction(props: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  busy?: boolean;
  kind?: 'danger' | 'secondary';
}) {
  const { t } = useTranslation('admin');
  const [asking, setAsking] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  const answered = useRef(false);
  useEffect(() => {
    if (asking) box.current?.focus();
    else if (answered.current) box.current?.querySelector('button')?.focus();
  }, [asking]);
  const answer = () => {
    answered.current = true;
    setAsking(false);
  };
  if (!asking)
    return (
      <span ref={box} className="admin-confirm-action">
        <Button kind={props.kind ?? 'secondary'} onClick={() => setAsking(true)} busy={props.busy}>
          {props.label}
        </Button>
      </span>
    );
  return (
    <span ref={box} className="admin-confirm" role="group" aria-label={props.question} tabIndex={-1}>
      <span>{props.question}</span>{' '}
      <Button
        kind="danger"
        busy={props.busy}
        onClick={() => {
          answer();
          void props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </Button>{' '}
      <Button kind="secondary" onClick={answer}>
        {t('common.cancel')}
      </Button>
    </span>
  );
}

/** A labelled `<select>` in the style of `Field`. */
export function SelectField(props: {
  label: string;
  name: string;
  value: string;
  onChange: (v: string) => void;
  children: ReactNode;
  error?: string | null;
  hint?: string;
}) {
  const id = useId();
  const described = [props.error ? `${id}-err` : null, props.hint ? `${id}-hint` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
      >
        {props.children}
      </select>
      {props.error ? (
        <p className="field-error" id={`${id}-err`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled checkbox. */
export function CheckField(props: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  hint?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="field admin-checkfield">
      <label className="admin-check">
        <input
          type="checkbox"
          name={props.name}
          checked={props.checked}
          disabled={props.disabled}
          onChange={(e) => props.onChange(e.target.checked)}
          aria-describedby={props.hint ? `${id}-hint` : undefined}
        />
        <span>{props.label}</span>
      </label>
      {props.hint ? (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}
