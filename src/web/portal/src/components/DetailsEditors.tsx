/**
 * Editors of a subject's list details, shared by the answer to a request and the related-party
 * form: addresses (each a fieldset with its type, lines, city, postcode and country) and
 * nationalities (one country picker each), with "add" and "remove". Errors come as JSON pointers
 * under `pointer` (`/values/addresses`, `/subject/addresses`) and are shown at each field. Adding
 * an entry moves the focus to its first control; removing one moves it to the "add" button, so a
 * keyboard user is never left on a control that is gone.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldError } from '../../../ui/api.ts';
import { Button } from '../../../ui/components.tsx';
import type { Address } from '../types.ts';
import { CountrySelect, Group, Select, TextInput } from './controls.tsx';

const ADDRESS_TYPES = ['residential', 'postal', 'registered', 'business'] as const;

/** The first error at `pointer` or under it. */
export function errorIn(errors: readonly FieldError[], pointer: string): string | null {
  return (
    errors.find((e) => e.path === pointer)?.message ??
    errors.find((e) => e.path.startsWith(`${pointer}/`))?.message ??
    null
  );
}

/**
 * A schema's wording (`must match pattern "^\\+[1-9]..."`) means nothing to a client: for a field
 * whose format the hint explains, say so in words instead.
 */
export function inWords(message: string | null, words: string): string | null {
  if (message === null) return null;
  return /^must (match (pattern|format)|NOT have|be (string|array))/.test(message) ? words : message;
}

/** Addresses as the server takes them: lines trimmed, empty optional parts left out. */
export function cleanAddresses(addresses: readonly Address[]): Address[] {
  return addresses.map((a) => {
    const out: Address = {
      type: a.type,
      lines: a.lines.map((l) => l.trim()).filter(Boolean),
      city: a.city.trim(),
      country: a.country,
    };
    if (a.postcode?.trim()) out.postcode = a.postcode.trim();
    if (a.region?.trim()) out.region = a.region.trim();
    return out;
  });
}

/**
 * Focus management for a list that grows and shrinks: after an add, the new entry's first control
 * (inside `container`) gets the focus; after a remove, `fallback` does.
 */
export function useListFocus(length: number) {
  const container = useRef<HTMLDivElement>(null);
  const fallback = useRef<HTMLDivElement>(null);
  const previous = useRef(length);
  const pending = useRef<'added' | 'removed' | null>(null);
  useEffect(() => {
    if (pending.current === 'added' && length > previous.current) {
      const entries = container.current?.querySelectorAll<HTMLElement>('[data-entry]');
      entries?.[entries.length - 1]?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    } else if (pending.current === 'removed') {
      fallback.current?.querySelector<HTMLElement>('button')?.focus();
    }
    pending.current = null;
    previous.current = length;
  }, [length]);
  return {
    container,
    fallback,
    added: () => (pending.current = 'added'),
    removed: () => (pending.current = 'removed'),
  };
}

export function AddressesEditor(props: {
  addresses: Address[];
  onChange: (a: Address[]) => void;
  errors: readonly FieldError[];
  /** The JSON pointer of the list in the request body. */
  pointer: string;
  /** The group's legend (default "Addresses"). */
  legend?: string;
  optional?: boolean;
}) {
  const { t } = useTranslation('requests');
  const { addresses } = props;
  const focus = useListFocus(addresses.length);
  const setAddress = (i: number, patch: Partial<Address>) =>
    props.onChange(addresses.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  return (
    <Group
      legend={props.legend ?? t('fields.addresses')}
      optional={props.optional}
      error={props.errors.find((x) => x.path === props.pointer)?.message}
    >
      <div ref={focus.container}>
        {addresses.map((a, i) => {
          const at = `${props.pointer}/${i}`;
          return (
            <fieldset key={i} className="portal-entry" data-entry>
              <legend>{t('address', { n: i + 1 })}</legend>
              <Select
                label={t('addressType')}
                value={a.type}
                onChange={(v) => setAddress(i, { type: v as Address['type'] })}
                options={ADDRESS_TYPES.map((x) => ({ value: x, label: t(`addressTypes.${x}`) }))}
                placeholder={t('common:choose')}
                error={errorIn(props.errors, `${at}/type`)}
              />
              <TextInput
                label={t('line1')}
                value={a.lines[0] ?? ''}
                onChange={(v) => setAddress(i, { lines: [v, ...a.lines.slice(1)] })}
                error={errorIn(props.errors, `${at}/lines`)}
                autoComplete="address-line1"
              />
              <TextInput
                label={t('line2')}
                optional
                value={a.lines[1] ?? ''}
                onChange={(v) => setAddress(i, { lines: [a.lines[0] ?? '', v] })}
                autoComplete="address-line2"
              />
              <TextInput
                label={t('city')}
                value={a.city}
                onChange={(v) => setAddress(i, { city: v })}
                error={errorIn(props.errors, `${at}/city`)}
              />
              <TextInput
                label={t('postcode')}
                optional
                value={a.postcode ?? ''}
                onChange={(v) => setAddress(i, { postcode: v })}
                error={errorIn(props.errors, `${at}/postcode`)}
              />
              <CountrySelect
                label={t('country')}
                value={a.country}
                onChange={(v) => setAddress(i, { country: v })}
                error={errorIn(props.errors, `${at}/country`)}
              />
              <Button
                kind="secondary"
                onClick={() => {
                  focus.removed();
                  props.onChange(addresses.filter((_, j) => j !== i));
                }}
              >
                {t('removeAddress', { n: i + 1 })}
              </Button>
            </fieldset>
          );
        })}
      </div>
      <div ref={focus.fallback}>
        <Button
          kind="secondary"
          onClick={() => {
            focus.added();
            props.onChange([...addresses, { type: 'residential', lines: [''], city: '', country: '' }]);
          }}
        >
          {t('addAddress')}
        </Button>
      </div>
    </Group>
  );
}

export function NationalitiesEditor(props: {
  nationalities: string[];
  onChange: (n: string[]) => void;
  errors: readonly FieldError[];
  pointer: string;
  optional?: boolean;
}) {
  const { t } = useTranslation('requests');
  const { nationalities } = props;
  const focus = useListFocus(nationalities.length);
  return (
    <Group
      legend={t('fields.nationalities')}
      optional={props.optional}
      error={errorIn(props.errors, props.pointer)}
    >
      <div ref={focus.container}>
        {nationalities.map((n, i) => (
          <div key={i} className="portal-inline" data-entry>
            <CountrySelect
              label={t('nationality', { n: i + 1 })}
              value={n}
              onChange={(v) => props.onChange(nationalities.map((x, j) => (j === i ? v : x)))}
            />
            <Button
              kind="secondary"
              onClick={() => {
                focus.removed();
                props.onChange(nationalities.filter((_, j) => j !== i));
              }}
            >
              {t('removeNationality', { n: i + 1 })}
            </Button>
          </div>
        ))}
      </div>
      <div ref={focus.fallback}>
        <Button
          kind="secondary"
          onClick={() => {
            focus.added();
            props.onChange([...nationalities, '']);
          }}
        >
          {t('addNationality')}
        </Button>
      </div>
    </Group>
  );
}
