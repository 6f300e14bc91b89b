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
import { Group, TextArea } from './controls.tsx';
import { AddressesEditor, cleanAddresses, errorIn, inWords, NationalitiesEditor } from './DetailsEditors.tsx';

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
    if (asked.includes('addresses')) values.addresses = cleanAddresses(addresses);
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

  return (
    <form className="portal-form portal-answer" onSubmit={submit} noValidate>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {asked.includes('addresses') ? (
        <AddressesEditor
          addresses={addresses}
          onChange={setAddresses}
          errors={errors}
          pointer="/values/addresses"
        />
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
            error={inWords(errorIn(errors, '/values/contact/emails'), t('emailsInvalid'))}
          />
          <TextArea
            label={t('phones')}
            hint={t('phonesHint')}
            optional
            rows={2}
            value={phones}
            onChange={setPhones}
            error={inWords(errorIn(errors, '/values/contact/phones'), t('phonesInvalid'))}
          />
        </Group>
      ) : null}
      {asked.includes('nationalities') ? (
        <NationalitiesEditor
          nationalities={nationalities}
          onChange={setNationalities}
          errors={errors}
          pointer="/values/nationalities"
        />
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
