/**
 * The answer to a 'fields' item of a request: the requested details of one subject (addresses,
 * contact details, nationalities, trading names), starting from the values on file. The server
 * validates them as a staff update of the subject would; its errors are shown at each field
 * (`/values/addresses/0/city`).
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type FieldError } from '../../../ui/api.ts';
import { Alert, Button } from '../../../ui/components.tsx';
import type { Address, ClientRequest, RequestItem } from '../types.ts';
import { fieldErrors, problemText } from '../use-load.ts';
import { CountrySelect, Group, Select, TextArea, TextInput } from './controls.tsx';

const ADDRESS_TYPES = ['residential', 'postal', 'registered', 'business'] as const;

type Values = {
  addresses?: Address[];
  contact?: { emails?: string[]; phones?: string[] };
  nationalities?: string[];
  tradingNames?: string[];
};

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function errorIn(errors: readonly FieldError[], pointer: string): string | null {
  return (
    errors.find((e) => e.path === pointer)?.message ??
    errors.find((e) => e.path.startsWith(`${pointer}/`))?.message ??
    null
  );
}

export function FieldsAnswer(props: {
  applicationId: string;
  requestId: string;
  item: RequestItem;
  onAnswered: (r: ClientRequest) => void;
}) {
  const { t } = useTranslation('requests');
  const asked = props.item.fields ?? [];
  const current = (props.item.current ?? {}) as Values;
  const [addresses, setAddresses] = useState<Address[]>(current.addresses ?? []);
  const [emails, setEmails] = useState((current.contact?.emails ?? []).join('\n'));
  const [phones, setPhones] = useState((current.contact?.phones ?? []).join('\n'));
  const [nationalities, setNationalities] = useState<string[]>(current.nationalities ?? []);
  const [tradingNames, setTradingNames] = useState((current.tradingNames ?? []).join('\n'));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const values: Values = {};
    if (asked.includes('addresses'))
      values.addresses = addresses.map((a) => ({
        ...a,
        lines: a.lines.map((l) => l.trim()).filter(Boolean),
        ...(a.postcode?.trim() ? { postcode: a.postcode.trim() } : { postcode: undefined }),
        ...(a.region?.trim() ? { region: a.region.trim() } : { region: undefined }),
      }));
    if (asked.includes('contact'))
      values.contact = {
        emails: lines(emails),
        // Written with spaces or dashes for reading; sent as E.164 digits.
        phones: lines(phones).map((p) => p.replace(/[\s().-]/g, '')),
      };
    if (asked.includes('nationalities')) values.nationalities = nationalities.filter(Boolean);
    if (asked.includes('tradingNames')) values.tradingNames = lines(tradingNames);
    setBusy(true);
    setError(null);
    try {
      const r = await api<ClientRequest>(
        `/api/v1/applications/${props.applicationId}/requests/${props.requestId}/items/${props.item.id}`,
        { method: 'PUT', body: { values } },
      );
      setErrors([]);
      props.onAnswered(r);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };

  const setAddress = (i: number, patch: Partial<Address>) =>
    setAddresses(addresses.map((a, j) => (j === i ? { ...a, ...patch } : a)));

  return (
    <form className="portal-form portal-answer" onSubmit={submit} noValidate>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {asked.includes('addresses') ? (
        <Group
          legend={t('fields.addresses')}
          error={errors.find((x) => x.path === '/values/addresses')?.message}
        >
          {addresses.map((a, i) => {
            const at = `/values/addresses/${i}`;
            return (
              <fieldset key={i} className="portal-entry">
                <legend>{t('address', { n: i + 1 })}</legend>
                <Select
                  label={t('addressType')}
                  value={a.type}
                  onChange={(v) => setAddress(i, { type: v as Address['type'] })}
                  options={ADDRESS_TYPES.map((x) => ({ value: x, label: t(`addressTypes.${x}`) }))}
                  placeholder={t('common:choose')}
                  error={errorIn(errors, `${at}/type`)}
                />
                <TextInput
                  label={t('line1')}
                  value={a.lines[0] ?? ''}
                  onChange={(v) => setAddress(i, { lines: [v, ...a.lines.slice(1)] })}
                  error={errorIn(errors, `${at}/lines`)}
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
                  error={errorIn(errors, `${at}/city`)}
                />
                <TextInput
                  label={t('postcode')}
                  optional
                  value={a.postcode ?? ''}
                  onChange={(v) => setAddress(i, { postcode: v })}
                  error={errorIn(errors, `${at}/postcode`)}
                />
                <CountrySelect
                  label={t('country')}
                  value={a.country}
                  onChange={(v) => setAddress(i, { country: v })}
                  error={errorIn(errors, `${at}/country`)}
                />
                <Button kind="secondary" onClick={() => setAddresses(addresses.filter((_, j) => j !== i))}>
                  {t('removeAddress', { n: i + 1 })}
                </Button>
              </fieldset>
            );
          })}
          <Button
            kind="secondary"
            onClick={() =>
              setAddresses([...addresses, { type: 'residential', lines: [''], city: '', country: '' }])
            }
          >
            {t('addAddress')}
          </Button>
        </Group>
      ) : null}
      {asked.includes('contact') ? (
        <Group legend={t('fields.contact')}>
          <TextArea
            label={t('emails')}
            hint={t('onePerLine')}
            optional
            rows={2}
            value={emails}
            onChange={setEmails}
            error={errorIn(errors, '/values/contact/emails')}
          />
          <TextArea
            label={t('phones')}
            hint={t('phonesHint')}
            optional
            rows={2}
            value={phones}
            onChange={setPhones}
            error={errorIn(errors, '/values/contact/phones')}
          />
        </Group>
      ) : null}
      {asked.includes('nationalities') ? (
        <Group legend={t('fields.nationalities')} error={errorIn(errors, '/values/nationalities')}>
          {nationalities.map((n, i) => (
            <div key={i} className="portal-inline">
              <CountrySelect
                label={t('nationality', { n: i + 1 })}
                value={n}
                onChange={(v) => setNationalities(nationalities.map((x, j) => (j === i ? v : x)))}
              />
              <Button
                kind="secondary"
                onClick={() => setNationalities(nationalities.filter((_, j) => j !== i))}
              >
                {t('removeNationality', { n: i + 1 })}
              </Button>
            </div>
          ))}
          <Button kind="secondary" onClick={() => setNationalities([...nationalities, ''])}>
            {t('addNationality')}
          </Button>
        </Group>
      ) : null}
      {asked.includes('tradingNames') ? (
        <TextArea
          label={t('fields.tradingNames')}
          hint={t('onePerLine')}
          optional
          rows={3}
          value={tradingNames}
          onChange={setTradingNames}
          error={errorIn(errors, '/values/tradingNames')}
        />
      ) : null}
      <Button type="submit" busy={busy}>
        {t('sendAnswer')}
      </Button>
    </form>
  );
}
