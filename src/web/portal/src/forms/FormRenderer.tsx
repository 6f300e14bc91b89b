/**
 * Renders a questionnaire definition as a form: one control per field kind, optional questions
 * marked, conditional questions shown only when their condition holds, repeating groups with
 * "add" and "remove", and the server's field-level errors at each field (`/answers/<key>`, inside
 * groups `/answers/<group>/<index>/<key>`).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldError } from '../../../ui/api.ts';
import { Button } from '../../../ui/components.tsx';
import { Control, CountrySelect, Group } from '../components/controls.tsx';
import { useListFocus } from '../components/DetailsEditors.tsx';
import { walkFields, type Answers, type FormField, type Scope } from './definition.ts';

interface Props {
  fields: FormField[];
  values: Answers;
  onChange: (values: Answers) => void;
  errors: readonly FieldError[];
  /** JSON pointer of this list's object under /answers ('' for the form). */
  path: string;
  parent?: Scope | undefined;
  readOnly: boolean;
}

/** The fields of the form, or of one entry of a group. */
export function FieldList(props: Props) {
  const shown: { field: FormField; scope: Scope }[] = [];
  walkFields(props.fields, props.values, props.parent, (field, visible, scope) => {
    if (visible) shown.push({ field, scope });
  });
  return (
    <>
      {shown.map(({ field, scope }) => (
        <FieldControl
          key={field.key}
          field={field}
          value={props.values[field.key]}
          onChange={(v) => {
            const next = { ...props.values };
            if (v === undefined) delete next[field.key];
            else next[field.key] = v;
            props.onChange(next);
          }}
          errors={props.errors}
          path={`${props.path}/${field.key}`}
          scope={scope}
          readOnly={props.readOnly}
        />
      ))}
    </>
  );
}

/** The first error at `path` itself (and, for lists of options, at one of its items). */
function errorAt(errors: readonly FieldError[], pointer: string, items = false): string | null {
  const exact = errors.find((e) => e.path === pointer);
  if (exact) return exact.message;
  if (items) return errors.find((e) => e.path.startsWith(`${pointer}/`))?.message ?? null;
  return null;
}

function FieldControl(props: {
  field: FormField;
  value: unknown;
  onChange: (v: unknown) => void;
  errors: readonly FieldError[];
  path: string;
  scope: Scope;
  readOnly: boolean;
}) {
  const { t } = useTranslation('questionnaire');
  const { field } = props;
  const pointer = `/answers${props.path}`;
  const optional = !field.required;
  const hint = field.help;
  const error = errorAt(props.errors, pointer, field.kind === 'multichoice');
  const str = typeof props.value === 'string' ? props.value : '';
  const setText = (v: string) => props.onChange(v === '' ? undefined : v);

  switch (field.kind) {
    case 'text':
    case 'date':
      return (
        <Control label={field.label} optional={optional} hint={hint} error={error}>
          {(ids) => (
            <input
              id={ids.id}
              name={props.path}
              type={field.kind === 'date' ? 'date' : inputType(field.format)}
              value={str}
              onChange={(e) => setText(e.target.value)}
              aria-invalid={ids.invalid}
              aria-describedby={ids.describedBy}
              required={field.required}
              maxLength={field.kind === 'text' ? field.maxLength : undefined}
              min={field.kind === 'date' ? field.min : undefined}
              max={field.kind === 'date' ? field.max : undefined}
            />
          )}
        </Control>
      );
    case 'textarea':
      return (
        <Control label={field.label} optional={optional} hint={hint} error={error}>
          {(ids) => (
            <textarea
              id={ids.id}
              name={props.path}
              rows={4}
              value={str}
              onChange={(e) => setText(e.target.value)}
              aria-invalid={ids.invalid}
              aria-describedby={ids.describedBy}
              required={field.required}
              maxLength={field.maxLength}
            />
          )}
        </Control>
      );
    case 'number':
      return (
        <Control label={field.label} optional={optional} hint={hint} error={error}>
          {(ids) => (
            <NumberInput
              id={ids.id}
              name={props.path}
              value={props.value}
              onChange={props.onChange}
              invalid={ids.invalid}
              describedBy={ids.describedBy}
              required={field.required}
              integer={field.integer ?? false}
            />
          )}
        </Control>
      );
    case 'country':
      return (
        <CountrySelect
          label={field.label}
          optional={optional}
          hint={hint}
          error={error}
          value={str}
          onChange={setText}
        />
      );
    case 'boolean':
      return (
        <Group legend={field.label} optional={optional} hint={hint} error={error}>
          {[true, false].map((b) => (
            <label key={String(b)} className="portal-option">
              <input
                type="radio"
                name={props.path}
                checked={props.value === b}
                onChange={() => props.onChange(b)}
              />{' '}
              {b ? t('yes') : t('no')}
            </label>
          ))}
        </Group>
      );
    case 'choice':
      if (field.options.length > 6)
        return (
          <Control label={field.label} optional={optional} hint={hint} error={error}>
            {(ids) => (
              <select
                id={ids.id}
                name={props.path}
                value={str}
                onChange={(e) => setText(e.target.value)}
                aria-invalid={ids.invalid}
                aria-describedby={ids.describedBy}
                required={field.required}
              >
                <option value="">{t('choose')}</option>
                {field.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
          </Control>
        );
      return (
        <Group legend={field.label} optional={optional} hint={hint} error={error}>
          {field.options.map((o) => (
            <label key={o.value} className="portal-option">
              <input
                type="radio"
                name={props.path}
                value={o.value}
                checked={str === o.value}
                onChange={() => props.onChange(o.value)}
              />{' '}
              {o.label}
            </label>
          ))}
        </Group>
      );
    case 'multichoice': {
      const chosen = Array.isArray(props.value) ? (props.value as string[]) : [];
      return (
        <Group legend={field.label} optional={optional} hint={hint} error={error}>
          {field.options.map((o) => (
            <label key={o.value} className="portal-option">
              <input
                type="checkbox"
                name={props.path}
                value={o.value}
                checked={chosen.includes(o.value)}
                onChange={(e) => {
                  const next = e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value);
                  props.onChange(next.length ? next : undefined);
                }}
              />{' '}
              {o.label}
            </label>
          ))}
        </Group>
      );
    }
    case 'group':
      return (
        <RepeatGroup
          field={field}
          value={props.value}
          onChange={props.onChange}
          errors={props.errors}
          path={props.path}
          scope={props.scope}
          readOnly={props.readOnly}
          optional={optional}
          hint={hint}
          error={error}
        />
      );
  }
}

/**
 * A repeating group: its entries, each a fieldset, with "add" and "remove". Adding an entry moves
 * the focus to its first question; removing one moves it to "add" (never onto nothing).
 */
function RepeatGroup(props: {
  field: Extract<FormField, { kind: 'group' }>;
  value: unknown;
  onChange: (v: unknown) => void;
  errors: readonly FieldError[];
  path: string;
  scope: Scope;
  readOnly: boolean;
  optional: boolean;
  hint: string | undefined;
  error: string | null;
}) {
  const { t } = useTranslation('questionnaire');
  const { field } = props;
  const pointer = `/answers${props.path}`;
  const items = Array.isArray(props.value) ? (props.value as Answers[]) : [];
  const focus = useListFocus(items.length);
  const set = (next: Answers[]) => props.onChange(next.length ? next : undefined);
  return (
    <Group
      legend={field.label}
      optional={props.optional}
      hint={props.hint ?? t('entries', { min: field.repeat.min, max: field.repeat.max })}
      error={props.error}
      className="portal-repeat"
    >
      <div ref={focus.container}>
        {items.map((item, i) => (
          <fieldset key={i} className="portal-entry" data-entry>
            <legend>{t('entry', { label: field.label, n: i + 1 })}</legend>
            <FieldList
              fields={field.fields}
              values={item && typeof item === 'object' ? item : {}}
              onChange={(v) => set(items.map((it, j) => (j === i ? v : it)))}
              errors={props.errors}
              path={`${props.path}/${i}`}
              parent={props.scope}
              readOnly={props.readOnly}
            />
            {errorAt(props.errors, `${pointer}/${i}`) ? (
              <p className="field-error">{errorAt(props.errors, `${pointer}/${i}`)}</p>
            ) : null}
            {props.readOnly ? null : (
              <Button
                kind="secondary"
                onClick={() => {
                  focus.removed();
                  set(items.filter((_, j) => j !== i));
                }}
              >
                {t('removeEntry', { n: i + 1 })}
              </Button>
            )}
          </fieldset>
        ))}
      </div>
      <div ref={focus.fallback}>
        {props.readOnly || items.length >= field.repeat.max ? null : (
          <Button
            kind="secondary"
            onClick={() => {
              focus.added();
              set([...items, {}]);
            }}
          >
            {t('addEntry', { label: field.label })}
          </Button>
        )}
      </div>
    </Group>
  );
}

function inputType(format: string | undefined): string {
  switch (format) {
    case 'email':
      return 'email';
    case 'phone':
      return 'tel';
    case 'url':
      return 'url';
    default:
      return 'text';
  }
}

/**
 * A number typed as text: a valid number is answered as a number; anything else is sent as typed,
 * so the server names the problem at the field (a number input would silently drop it).
 */
function NumberInput(props: {
  id: string;
  name: string;
  value: unknown;
  onChange: (v: unknown) => void;
  invalid: true | undefined;
  describedBy: string | undefined;
  required: boolean;
  integer: boolean;
}) {
  const external =
    typeof props.value === 'number'
      ? String(props.value)
      : typeof props.value === 'string'
        ? props.value
        : '';
  const [text, setText] = useState(external);
  useEffect(() => {
    // Follow changes from outside (a draft loaded), not the echo of what was typed here.
    if (parse(text) !== props.value) setText(external);
  }, [props.value]);
  return (
    <input
      id={props.id}
      name={props.name}
      type="text"
      inputMode={props.integer ? 'numeric' : 'decimal'}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        props.onChange(parse(e.target.value));
      }}
      aria-invalid={props.invalid}
      aria-describedby={props.describedBy}
      required={props.required}
    />
  );
}

function parse(text: string): unknown {
  const s = text.trim();
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? n : text;
}
