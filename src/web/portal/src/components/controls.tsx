/**
 * Form controls of the portal beyond the shared text `Field`: each has a visible label, its hint and
 * error tied to it (aria-describedby, aria-invalid), and groups of radios or checkboxes are a
 * fieldset with a legend.
 */
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../../ui/i18n.ts';
import { countries } from '../countries.ts';

export interface ControlIds {
  id: string;
  describedBy: string | undefined;
  invalid: true | undefined;
}

/** A label, an optional hint and error, and the control (given the ids to wire). */
export function Control(props: {
  label: string;
  optional?: boolean;
  hint?: string | undefined;
  error?: string | null | undefined;
  children: (ids: ControlIds) => ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const described = [props.error ? errId : null, props.hint ? hintId : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>
        {props.label}
        {props.optional ? <span className="portal-optional"> {t('optional')}</span> : null}
      </label>
      {props.hint ? (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.children({ id, describedBy: described || undefined, invalid: props.error ? true : undefined })}
      {props.error ? (
        <p className="field-error" id={errId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** A fieldset of radios or checkboxes (or anything else that needs a legend). */
export function Group(props: {
  legend: string;
  optional?: boolean;
  hint?: string | undefined;
  error?: string | null | undefined;
  className?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  const described = [props.error ? `${id}-err` : null, props.hint ? `${id}-hint` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <fieldset
      className={`field portal-group ${props.className ?? ''}`}
      aria-describedby={described || undefined}
    >
      <legend>
        {props.legend}
        {props.optional ? <span className="portal-optional"> {t('optional')}</span> : null}
      </legend>
      {props.hint ? (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p className="field-error" id={`${id}-err`}>
          {props.error}
        </p>
      ) : null}
      {props.children}
    </fieldset>
  );
}

export function TextInput(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | null | undefined;
  hint?: string | undefined;
  optional?: boolean;
  type?: 'text' | 'email' | 'tel' | 'url' | 'date' | 'password';
  maxLength?: number | undefined;
  min?: string | undefined;
  max?: string | undefined;
  inputMode?: 'numeric' | 'decimal' | 'text';
  autoComplete?: string;
  disabled?: boolean;
}) {
  return (
    <Control label={props.label} optional={props.optional} hint={props.hint} error={props.error}>
      {(ids) => (
        <input
          id={ids.id}
          type={props.type ?? 'text'}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-invalid={ids.invalid}
          aria-describedby={ids.describedBy}
          required={!props.optional}
          maxLength={props.maxLength}
          min={props.min}
          max={props.max}
          inputMode={props.inputMode}
          autoComplete={props.autoComplete}
          disabled={props.disabled}
        />
      )}
    </Control>
  );
}

export function TextArea(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | null | undefined;
  hint?: string | undefined;
  optional?: boolean;
  maxLength?: number | undefined;
  rows?: number;
}) {
  return (
    <Control label={props.label} optional={props.optional} hint={props.hint} error={props.error}>
      {(ids) => (
        <textarea
          id={ids.id}
          value={props.value}
          rows={props.rows ?? 4}
          onChange={(e) => props.onChange(e.target.value)}
          aria-invalid={ids.invalid}
          aria-describedby={ids.describedBy}
          required={!props.optional}
          maxLength={props.maxLength}
        />
      )}
    </Control>
  );
}

export function Select(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
  error?: string | null | undefined;
  hint?: string | undefined;
  optional?: boolean;
  /** The text of the empty choice. */
  placeholder: string;
}) {
  return (
    <Control label={props.label} optional={props.optional} hint={props.hint} error={props.error}>
      {(ids) => (
        <select
          id={ids.id}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-invalid={ids.invalid}
          aria-describedby={ids.describedBy}
          required={!props.optional}
        >
          <option value="">{props.placeholder}</option>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Control>
  );
}

export function CountrySelect(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | null | undefined;
  hint?: string | undefined;
  optional?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Select
      {...props}
      placeholder={t('chooseCountry')}
      options={countries().map((c) => ({ value: c.code, label: c.name }))}
    />
  );
}

/** A due date, and a visible "overdue" mark (text, not colour alone). */
export function Due(props: { at: string | null; overdue: boolean; withTime?: boolean }) {
  const { t } = useTranslation();
  if (!props.at) return <span>{t('noDueDate')}</span>;
  return (
    <span className="portal-due">
      {t('due', { date: formatDate(props.at, props.withTime ?? false) })}
      {props.overdue ? <strong className="portal-tag portal-tag-overdue">{t('overdue')}</strong> : null}
    </span>
  );
}

/** A short status label with a shape that does not rely on colour. */
export function Tag(props: { kind: 'done' | 'todo' | 'info' | 'warn'; children: ReactNode }) {
  return <span className={`portal-tag portal-tag-${props.kind}`}>{props.children}</span>;
}
