/**
 * Small accessible building blocks shared by the back office and the portal: every control has a
 * visible label, errors are tied to their field (aria-describedby, aria-invalid) and announced,
 * focus is always visible (styles.css), and nothing relies on colour alone.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { FieldError } from './api.ts';

export function Field(props: {
  label: string;
  name: string;
  type?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | null | undefined;
  hint?: string;
  autoComplete?: string;
  required?: boolean;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel';
  autoFocus?: boolean;
}) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const described = [props.error ? errId : null, props.hint ? hintId : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {props.hint ? (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
        autoComplete={props.autoComplete}
        required={props.required}
        inputMode={props.inputMode}
        autoFocus={props.autoFocus}
      />
      {props.error ? (
        <p className="field-error" id={errId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function Button(props: {
  children: ReactNode;
  onClick?: () => void;
  type?: 'button' | 'submit';
  kind?: 'primary' | 'secondary' | 'danger';
  disabled?: boolean;
  busy?: boolean;
}) {
  return (
    <button
      type={props.type ?? 'button'}
      className={`btn btn-${props.kind ?? 'primary'}`}
      onClick={props.onClick}
      disabled={props.disabled || props.busy}
      aria-busy={props.busy || undefined}
    >
      {props.children}
    </button>
  );
}

/** A message announced to screen readers: `error` interrupts (alert), `info` waits (status). */
export function Alert(props: { kind: 'error' | 'info' | 'success'; children: ReactNode }) {
  return (
    <div className={`alert alert-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export function ProgressBar(props: { label: string; value: number; max: number }) {
  const pct = props.max > 0 ? Math.round((props.value / props.max) * 100) : 0;
  return (
    <div className="progress">
      <div
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="progress-track"
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">{pct}%</span>
    </div>
  );
}

/** The page's heading; takes focus when the page changes so screen readers announce it. */
export function PageTitle(props: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
    document.title = `${ref.current?.textContent ?? ''} – Dossier`;
  }, [props.children]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {props.children}
    </h1>
  );
}

/** The message of a field from a problem answer's errors (`/answers/x` or `/x`). */
export function errorFor(errors: readonly FieldError[], path: string): string | null {
  return errors.find((e) => e.path === path)?.message ?? null;
}

/**
 * The second-factor part of a form (sign-in, step-up, invitation): the choice of factor when there
 * are several, the "send me a code" button for SMS, and the code field. Texts come from the
 * caller's message file: `legend`, `factorName(f)`, `codeLabel(f)`, `sendSms`.
 */
export function SecondFactorFields<F extends string>(props: {
  name: string;
  factors: readonly F[];
  factor: F;
  onFactor: (f: F) => void;
  code: string;
  onCode: (code: string) => void;
  onSendSms: () => void;
  text: { legend: string; factorName: (f: F) => string; codeLabel: (f: F) => string; sendSms: string };
  error?: string | null | undefined;
  autoFocus?: boolean;
}) {
  return (
    <>
      {props.factors.length > 1 ? (
        <fieldset className="field">
          <legend>{props.text.legend}</legend>
          {props.factors.map((f) => (
            <label key={f}>
              <input
                type="radio"
                name={`${props.name}-factor`}
                value={f}
                checked={props.factor === f}
                onChange={() => {
                  props.onFactor(f);
                  props.onCode('');
                }}
              />{' '}
              {props.text.factorName(f)}
            </label>
          ))}
        </fieldset>
      ) : null}
      {props.factor === 'sms' ? (
        <p>
          <Button kind="secondary" onClick={props.onSendSms}>
            {props.text.sendSms}
          </Button>
        </p>
      ) : null}
      <Field
        label={props.text.codeLabel(props.factor)}
        name={`${props.name}-code`}
        value={props.code}
        onChange={props.onCode}
        autoComplete="one-time-code"
        inputMode={props.factor === 'recovery' ? 'text' : 'numeric'}
        required
        error={props.error}
        autoFocus={props.autoFocus}
      />
    </>
  );
}
