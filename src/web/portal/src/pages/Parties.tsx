/**
 * The related parties of an application (the Customer Outreach Tool): directors, shareholders,
 * beneficial owners... The client sees every party (details only of those their organisation
 * added, sensitive ones masked) and, while the application accepts changes and their role allows,
 * adds a party, changes one their organisation added, or removes it. The server decides each
 * change (`editable`, `changes.allowed`); its errors are shown at each field.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, type FieldError } from '../../../ui/api.ts';
import { Alert, Button } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { ApplicationFrame } from '../components/ApplicationFrame.tsx';
import { CountrySelect, Group, Select, TextArea, TextInput } from '../components/controls.tsx';
import {
  AddressesEditor,
  cleanAddresses,
  inWords,
  NationalitiesEditor,
} from '../components/DetailsEditors.tsx';
import { countryName } from '../countries.ts';
import { humanise } from '../format.ts';
import { useSession } from '../session.tsx';
import {
  PARTY_ROLES,
  type Address,
  type ClientParty,
  type ClientPartyList,
  type PartyRole,
} from '../types.ts';
import { fieldErrors, problemText, useLoad } from '../use-load.ts';

export function Parties() {
  const { id = '' } = useParams();
  const { t } = useTranslation('parties');
  return (
    <ApplicationFrame id={id} title={(app) => t('title', { reference: app.reference })}>
      {() => <PartyList id={id} />}
    </ApplicationFrame>
  );
}

const errorAt = (errors: readonly FieldError[], path: string) =>
  errors.find((e) => e.path === path)?.message ??
  errors.find((e) => e.path.startsWith(`${path}/`))?.message ??
  null;

function PartyList(props: { id: string }) {
  const { t } = useTranslation('parties');
  const { canChange } = useSession();
  const url = `/api/v1/applications/${props.id}/parties`;
  const loaded = useLoad(() => api<ClientPartyList>(url), url);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // After a change the focus goes to its confirmation: the control used may be gone (a removed
  // party's card, a closed form), and focus must not fall back to the top of the page.
  const noticeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);
  if (loaded.error) return <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert>;
  if (!loaded.data) return <p role="status">{t('common:loading')}</p>;
  const { items, changes } = loaded.data;
  const mayChange = canChange && changes.allowed;
  const main = items.find((p) => p.main);
  const done = async (text: string) => {
    // The list first, then the confirmation: what it announces is on the page when it is read.
    await loaded.reload();
    setAdding(false);
    setNotice(text);
  };
  return (
    <>
      {!changes.allowed && canChange ? (
        <Alert kind="info">{t(`closed.${changes.reason ?? 'application_closed'}`)}</Alert>
      ) : null}
      <div ref={noticeRef} tabIndex={-1}>
        {notice ? <Alert kind="success">{notice}</Alert> : null}
      </div>
      <ul className="portal-cards">
        {items.map((p) => (
          <li key={p.id}>
            <PartyCard
              party={p}
              applicationId={props.id}
              mainId={main?.id ?? null}
              mayChange={mayChange && p.editable}
              onDone={done}
            />
          </li>
        ))}
      </ul>
      {mayChange ? (
        adding ? (
          <PartyForm
            applicationId={props.id}
            mainId={main?.id ?? null}
            onDone={(name) => void done(t('added', { name }))}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <Button
            onClick={() => {
              setNotice(null);
              setAdding(true);
            }}
          >
            {t('add')}
          </Button>
        )
      ) : null}
    </>
  );
}

function PartyCard(props: {
  party: ClientParty;
  applicationId: string;
  mainId: string | null;
  mayChange: boolean;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation('parties');
  const p = props.party;
  const [mode, setMode] = useState<'view' | 'edit' | 'remove'>('view');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/applications/${props.applicationId}/parties/${p.id}`, { method: 'DELETE' });
      await props.onDone(t('removed', { name: p.displayName }));
    } catch (err) {
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="portal-card" aria-labelledby={`party-${p.id}`}>
      <h2 id={`party-${p.id}`} className="portal-card-title">
        {p.displayName}
      </h2>
      <dl className="portal-dl">
        <dt>{t('kind')}</dt>
        <dd>{t(`kinds.${p.kind}`)}</dd>
        <dt>{t('roles')}</dt>
        <dd>{p.roles.map((r) => t(`roleNames.${r}`, { defaultValue: humanise(r) })).join(', ')}</dd>
        {p.dateOfBirth ? (
          <>
            <dt>{t('dateOfBirth')}</dt>
            <dd>{t('yearOnly', { year: p.dateOfBirth.slice(0, 4) })}</dd>
          </>
        ) : null}
        {p.nationalities?.length ? (
          <>
            <dt>{t('nationalities')}</dt>
            <dd>{p.nationalities.map(countryName).join(', ')}</dd>
          </>
        ) : null}
        {p.jurisdiction ? (
          <>
            <dt>{t('jurisdiction')}</dt>
            <dd>{countryName(p.jurisdiction.slice(0, 2))}</dd>
          </>
        ) : null}
        {p.registrationNumber ? (
          <>
            <dt>{t('registrationNumber')}</dt>
            <dd>{p.registrationNumber}</dd>
          </>
        ) : null}
        {p.placeOfBirth ? (
          <>
            <dt>{t('placeOfBirth')}</dt>
            <dd>{p.placeOfBirth}</dd>
          </>
        ) : null}
        {p.legalForm ? (
          <>
            <dt>{t('legalForm')}</dt>
            <dd>{p.legalForm}</dd>
          </>
        ) : null}
        {p.addresses?.length ? (
          <>
            <dt>{t('addresses')}</dt>
            <dd>
              {p.addresses.map((a, i) => (
                <div key={i} className="portal-wrap">
                  {[...a.lines, [a.postcode, a.city].filter(Boolean).join(' '), countryName(a.country)].join(
                    ', ',
                  )}
                </div>
              ))}
            </dd>
          </>
        ) : null}
        {p.contact && (p.contact.emails.length > 0 || p.contact.phones.length > 0) ? (
          <>
            <dt>{t('contact')}</dt>
            <dd className="portal-wrap">{[...p.contact.emails, ...p.contact.phones].join(', ')}</dd>
          </>
        ) : null}
        {p.holdings.map((h) => (
          <HoldingRow key={h.ownedSubjectId} pct={h.sharePct} />
        ))}
        <dt>{t('addedBy')}</dt>
        <dd>
          {t(`addedByWho.${p.addedBy}`)}, {formatDate(p.addedAt)}
        </dd>
      </dl>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {mode === 'edit' ? (
        <PartyForm
          applicationId={props.applicationId}
          mainId={props.mainId}
          party={p}
          onDone={(name) => {
            setMode('view');
            void props.onDone(t('changed', { name }));
          }}
          onCancel={() => setMode('view')}
        />
      ) : mode === 'remove' ? (
        <div className="portal-confirm" role="group" aria-label={t('confirmRemove', { name: p.displayName })}>
          <p>{t('confirmRemove', { name: p.displayName })}</p>
          <div className="portal-actions">
            <Button kind="danger" busy={busy} onClick={() => void remove()}>
              {t('yesRemove')}
            </Button>
            <Button kind="secondary" onClick={() => setMode('view')}>
              {t('cancel')}
            </Button>
          </div>
        </div>
      ) : props.mayChange ? (
        <div className="portal-actions">
          <Button kind="secondary" onClick={() => setMode('edit')}>
            {t('edit', { name: p.displayName })}
          </Button>
          <Button kind="secondary" onClick={() => setMode('remove')}>
            {t('remove', { name: p.displayName })}
          </Button>
        </div>
      ) : null}
    </article>
  );
}

function HoldingRow(props: { pct: number }) {
  const { t } = useTranslation('parties');
  return (
    <>
      <dt>{t('shares')}</dt>
      <dd>{formatNumber(props.pct / 100, { style: 'percent', maximumFractionDigits: 4 })}</dd>
    </>
  );
}

const GENDERS = ['female', 'male', 'other', 'unspecified'] as const;

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** An optional text as the server takes it in a change: empty clears it (null). */
const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

/**
 * Adds a party, or changes one (`party` given): every detail the COT API takes (names, birth,
 * nationalities, registration, addresses, contact details), the roles and the shareholding. A change
 * sends only what differs from the party as read, with its version (a concurrent change is a 409).
 * Masked details (date of birth, registration number) are not shown: left empty they stay as they
 * are. Identity documents are not edited here (the firm asks for them as documents).
 */
function PartyForm(props: {
  applicationId: string;
  mainId: string | null;
  party?: ClientParty;
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('parties');
  const p = props.party;
  const [kind, setKind] = useState<'person' | 'entity'>(p?.kind ?? 'person');
  const [givenNames, setGivenNames] = useState(p?.givenNames ?? '');
  const [middleNames, setMiddleNames] = useState(p?.middleNames ?? '');
  const [familyName, setFamilyName] = useState(p?.familyName ?? '');
  const [fullName, setFullName] = useState(p?.fullName ?? '');
  const [otherNames, setOtherNames] = useState((p?.otherNames ?? []).join('\n'));
  const [dateOfBirth, setDateOfBirth] = useState('');
  const [placeOfBirth, setPlaceOfBirth] = useState(p?.placeOfBirth ?? '');
  const [gender, setGender] = useState<string>(p?.gender ?? '');
  const [nationalities, setNationalities] = useState<string[]>(p?.nationalities ?? []);
  const [registeredName, setRegisteredName] = useState(p?.registeredName ?? '');
  const [tradingNames, setTradingNames] = useState((p?.tradingNames ?? []).join('\n'));
  const [registrationNumber, setRegistrationNumber] = useState('');
  const jurisdictionRead = p?.jurisdiction?.slice(0, 2) ?? '';
  const [jurisdiction, setJurisdiction] = useState(jurisdictionRead);
  const [incorporationDate, setIncorporationDate] = useState(p?.incorporationDate ?? '');
  const [legalForm, setLegalForm] = useState(p?.legalForm ?? '');
  const [lei, setLei] = useState(p?.lei ?? '');
  const [addresses, setAddresses] = useState<Address[]>(p?.addresses ?? []);
  const [emails, setEmails] = useState((p?.contact?.emails ?? []).join('\n'));
  const [phones, setPhones] = useState((p?.contact?.phones ?? []).join('\n'));
  const [roles, setRoles] = useState<string[]>(p?.roles.filter((r) => r !== 'applicant') ?? []);
  const held = p?.holdings.find((h) => h.ownedSubjectId === props.mainId) ?? p?.holdings[0];
  const [sharePct, setSharePct] = useState(held ? String(held.sharePct) : '');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shareholder = roles.includes('shareholder');
  const allowedRoles = PARTY_ROLES.filter((r) => kind === 'person' || r !== 'ubo');
  const person = kind === 'person';

  /** Contact details as the server takes them: phones written for reading, sent as E.164 digits. */
  const contact = () => ({
    emails: lines(emails),
    phones: lines(phones).map((x) => x.replace(/[\s().-]/g, '')),
  });

  /** The whole subject of a new party (empty optional details left out). */
  const newSubject = (): Record<string, unknown> => {
    const c = contact();
    const common = {
      ...(addresses.length ? { addresses: cleanAddresses(addresses) } : {}),
      ...(c.emails.length || c.phones.length ? { contact: c } : {}),
    };
    if (person)
      return {
        kind,
        givenNames,
        familyName,
        dateOfBirth,
        ...(middleNames.trim() ? { middleNames: middleNames.trim() } : {}),
        ...(fullName.trim() ? { fullName: fullName.trim() } : {}),
        ...(lines(otherNames).length ? { otherNames: lines(otherNames) } : {}),
        ...(placeOfBirth.trim() ? { placeOfBirth: placeOfBirth.trim() } : {}),
        ...(gender ? { gender } : {}),
        ...(nationalities.filter(Boolean).length ? { nationalities: nationalities.filter(Boolean) } : {}),
        ...common,
      };
    return {
      kind,
      registeredName,
      registrationNumber,
      jurisdiction,
      incorporationDate,
      ...(lines(tradingNames).length ? { tradingNames: lines(tradingNames) } : {}),
      ...(legalForm.trim() ? { legalForm: legalForm.trim() } : {}),
      ...(lei.trim() ? { lei: lei.trim().toUpperCase() } : {}),
      ...common,
    };
  };

  /** What differs from the party as read (the PATCH of its subject). */
  const changes = (party: ClientParty): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const put = (key: string, value: unknown, read: unknown) => {
      if (!same(value, read)) out[key] = value;
    };
    if (party.kind === 'person') {
      put('givenNames', givenNames, party.givenNames ?? '');
      put('familyName', familyName, party.familyName ?? '');
      put('middleNames', orNull(middleNames), party.middleNames ?? null);
      put('fullName', orNull(fullName), party.fullName ?? null);
      put('otherNames', lines(otherNames), party.otherNames ?? []);
      put('placeOfBirth', orNull(placeOfBirth), party.placeOfBirth ?? null);
      put('gender', gender || null, party.gender ?? null);
      put('nationalities', nationalities.filter(Boolean), party.nationalities ?? []);
      if (dateOfBirth) out['dateOfBirth'] = dateOfBirth;
    } else {
      put('registeredName', registeredName, party.registeredName ?? '');
      put('tradingNames', lines(tradingNames), party.tradingNames ?? []);
      put('jurisdiction', jurisdiction, jurisdictionRead);
      put('incorporationDate', incorporationDate, party.incorporationDate ?? '');
      put('legalForm', orNull(legalForm), party.legalForm ?? null);
      put('lei', lei.trim() ? lei.trim().toUpperCase() : null, party.lei ?? null);
      if (registrationNumber) out['registrationNumber'] = registrationNumber;
    }
    put('addresses', cleanAddresses(addresses), cleanAddresses(party.addresses ?? []));
    const c = contact();
    if (!same(c, { emails: party.contact?.emails ?? [], phones: party.contact?.phones ?? [] }))
      out['contact'] = c;
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const pct = sharePct.trim() === '' ? undefined : Number(sharePct.replace(',', '.'));
    const holding = shareholder ? { sharePct: pct ?? Number.NaN } : undefined;
    setBusy(true);
    setError(null);
    try {
      if (!p) {
        const r = await api<ClientParty>(`/api/v1/applications/${props.applicationId}/parties`, {
          method: 'POST',
          body: { subject: newSubject(), roles, ...(holding ? { holding } : {}) },
        });
        props.onDone(r.displayName);
      } else {
        const subject = changes(p);
        const holdingChange = holding ?? (p.holdings.length && !roles.includes('ubo') ? null : undefined);
        const r = await api<ClientParty>(`/api/v1/applications/${props.applicationId}/parties/${p.id}`, {
          method: 'PUT',
          body: {
            version: p.version,
            roles,
            ...(Object.keys(subject).length ? { subject } : {}),
            ...(holdingChange !== undefined ? { holding: holdingChange } : {}),
          },
        });
        props.onDone(r.displayName);
      }
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(false);
    }
  };

  const s = (name: string) => errorAt(errors, `/subject/${name}`);
  const keepHint = (what: string | undefined) => (what ? t('keepHint', { value: what }) : undefined);
  return (
    <form className="portal-form portal-card" onSubmit={submit} noValidate>
      <h2 className="portal-card-title">{p ? t('editTitle', { name: p.displayName }) : t('addTitle')}</h2>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {!p ? (
        <Group legend={t('kind')}>
          {(['person', 'entity'] as const).map((k) => (
            <label key={k} className="portal-option">
              <input
                type="radio"
                name="party-kind"
                checked={kind === k}
                onChange={() => {
                  setKind(k);
                  if (k === 'entity') setRoles(roles.filter((r) => r !== 'ubo'));
                }}
              />{' '}
              {t(`kinds.${k}`)}
            </label>
          ))}
        </Group>
      ) : null}
      {person ? (
        <>
          <TextInput
            label={t('givenNames')}
            value={givenNames}
            onChange={setGivenNames}
            error={s('givenNames')}
            autoComplete="off"
          />
          <TextInput
            label={t('middleNames')}
            optional
            value={middleNames}
            onChange={setMiddleNames}
            error={s('middleNames')}
            autoComplete="off"
          />
          <TextInput
            label={t('familyName')}
            value={familyName}
            onChange={setFamilyName}
            error={s('familyName')}
            autoComplete="off"
          />
          <TextInput
            label={t('fullName')}
            hint={t('fullNameHint')}
            optional
            value={fullName}
            onChange={setFullName}
            error={s('fullName')}
            autoComplete="off"
          />
          <TextArea
            label={t('otherNames')}
            hint={t('onePerLine')}
            optional
            rows={2}
            value={otherNames}
            onChange={setOtherNames}
            error={s('otherNames')}
          />
          <TextInput
            label={t('dateOfBirth')}
            type="date"
            optional={!!p}
            hint={keepHint(p?.dateOfBirth ? t('yearOnly', { year: p.dateOfBirth.slice(0, 4) }) : undefined)}
            value={dateOfBirth}
            onChange={setDateOfBirth}
            error={s('dateOfBirth')}
          />
          <TextInput
            label={t('placeOfBirth')}
            optional
            value={placeOfBirth}
            onChange={setPlaceOfBirth}
            error={s('placeOfBirth')}
          />
          <Select
            label={t('gender')}
            optional
            value={gender}
            onChange={setGender}
            options={GENDERS.map((g) => ({ value: g, label: t(`genders.${g}`) }))}
            placeholder={t('common:choose')}
            error={s('gender')}
          />
          <NationalitiesEditor
            nationalities={nationalities}
            onChange={setNationalities}
            errors={errors}
            pointer="/subject/nationalities"
            optional
          />
        </>
      ) : (
        <>
          <TextInput
            label={t('registeredName')}
            value={registeredName}
            onChange={setRegisteredName}
            error={s('registeredName')}
          />
          <TextArea
            label={t('tradingNames')}
            hint={t('onePerLine')}
            optional
            rows={2}
            value={tradingNames}
            onChange={setTradingNames}
            error={s('tradingNames')}
          />
          <TextInput
            label={t('registrationNumber')}
            optional={!!p}
            hint={keepHint(p?.registrationNumber)}
            value={registrationNumber}
            onChange={setRegistrationNumber}
            error={s('registrationNumber')}
          />
          <CountrySelect
            label={t('jurisdiction')}
            value={jurisdiction}
            onChange={setJurisdiction}
            error={s('jurisdiction')}
          />
          <TextInput
            label={t('incorporationDate')}
            type="date"
            value={incorporationDate}
            onChange={setIncorporationDate}
            error={s('incorporationDate')}
          />
          <TextInput
            label={t('legalForm')}
            hint={t('legalFormHint')}
            optional
            value={legalForm}
            onChange={setLegalForm}
            error={s('legalForm')}
          />
          <TextInput
            label={t('lei')}
            hint={t('leiHint')}
            optional
            value={lei}
            onChange={setLei}
            error={inWords(s('lei'), t('leiInvalid'))}
          />
        </>
      )}
      <AddressesEditor
        addresses={addresses}
        onChange={setAddresses}
        errors={errors}
        pointer="/subject/addresses"
        optional
      />
      <Group legend={t('contact')} optional>
        <TextArea
          label={t('emails')}
          hint={t('onePerLine')}
          optional
          rows={2}
          value={emails}
          onChange={setEmails}
          error={inWords(s('contact/emails'), t('emailsInvalid'))}
        />
        <TextArea
          label={t('phones')}
          hint={t('phonesHint')}
          optional
          rows={2}
          value={phones}
          onChange={setPhones}
          error={inWords(s('contact/phones'), t('phonesInvalid'))}
        />
      </Group>
      <Group legend={t('roles')} error={errorAt(errors, '/roles')}>
        {allowedRoles.map((r: PartyRole) => (
          <label key={r} className="portal-option">
            <input
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
            />{' '}
            {t(`roleNames.${r}`)}
          </label>
        ))}
      </Group>
      {shareholder ? (
        <TextInput
          label={t('sharePct')}
          hint={t('sharePctHint')}
          inputMode="decimal"
          value={sharePct}
          onChange={setSharePct}
          error={errorAt(errors, '/holding')}
        />
      ) : null}
      <div className="portal-actions">
        <Button type="submit" busy={busy}>
          {p ? t('save') : t('addSubmit')}
        </Button>
        <Button kind="secondary" onClick={props.onCancel}>
          {t('cancel')}
        </Button>
      </div>
    </form>
  );
}
