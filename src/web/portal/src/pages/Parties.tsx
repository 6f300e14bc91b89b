/**
 * The related parties of an application (the Customer Outreach Tool): directors, shareholders,
 * beneficial owners... The client sees every party (details only of those their organisation
 * added, sensitive ones masked) and, while the application accepts changes and their role allows,
 * adds a party, changes one their organisation added, or removes it. The server decides each
 * change (`editable`, `changes.allowed`); its errors are shown at each field.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, type FieldError } from '../../../ui/api.ts';
import { Alert, Button } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { ApplicationFrame } from '../components/ApplicationFrame.tsx';
import { CountrySelect, Group, TextInput } from '../components/controls.tsx';
import { countryName } from '../countries.ts';
import { humanise } from '../format.ts';
import { useSession } from '../session.tsx';
import { PARTY_ROLES, type ClientParty, type ClientPartyList, type PartyRole } from '../types.ts';
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
  if (loaded.error) return <Alert kind="error">{problemText(loaded.error, t('common:unavailable'))}</Alert>;
  if (!loaded.data) return <p role="status">{t('common:loading')}</p>;
  const { items, changes } = loaded.data;
  const mayChange = canChange && changes.allowed;
  const main = items.find((p) => p.main);
  const done = async (text: string) => {
    setNotice(text);
    setAdding(false);
    await loaded.reload();
  };
  return (
    <>
      {!changes.allowed && canChange ? (
        <Alert kind="info">{t(`closed.${changes.reason ?? 'application_closed'}`)}</Alert>
      ) : null}
      {notice ? <Alert kind="success">{notice}</Alert> : null}
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
          onDone={(name) => void props.onDone(t('changed', { name }))}
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

/** Adds a party, or changes one (`party` given): names, roles and the shareholding. */
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
  const [familyName, setFamilyName] = useState(p?.familyName ?? '');
  const [dateOfBirth, setDateOfBirth] = useState('');
  const [nationality, setNationality] = useState('');
  const [registeredName, setRegisteredName] = useState(p?.registeredName ?? '');
  const [registrationNumber, setRegistrationNumber] = useState('');
  const [jurisdiction, setJurisdiction] = useState('');
  const [incorporationDate, setIncorporationDate] = useState('');
  const [roles, setRoles] = useState<string[]>(p?.roles.filter((r) => r !== 'applicant') ?? []);
  const held = p?.holdings.find((h) => h.ownedSubjectId === props.mainId) ?? p?.holdings[0];
  const [sharePct, setSharePct] = useState(held ? String(held.sharePct) : '');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shareholder = roles.includes('shareholder');
  const allowedRoles = PARTY_ROLES.filter((r) => kind === 'person' || r !== 'ubo');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const pct = sharePct.trim() === '' ? undefined : Number(sharePct.replace(',', '.'));
    const holding = shareholder ? { sharePct: pct ?? Number.NaN } : undefined;
    setBusy(true);
    setError(null);
    try {
      if (!p) {
        const subject =
          kind === 'person'
            ? {
                kind,
                givenNames,
                familyName,
                dateOfBirth,
                ...(nationality ? { nationalities: [nationality] } : {}),
              }
            : { kind, registeredName, registrationNumber, jurisdiction, incorporationDate };
        const r = await api<ClientParty>(`/api/v1/applications/${props.applicationId}/parties`, {
          method: 'POST',
          body: { subject, roles, ...(holding ? { holding } : {}) },
        });
        props.onDone(r.displayName);
      } else {
        const subject: Record<string, string> = {};
        if (p.kind === 'person') {
          if (givenNames !== (p.givenNames ?? '')) subject['givenNames'] = givenNames;
          if (familyName !== (p.familyName ?? '')) subject['familyName'] = familyName;
        } else if (registeredName !== (p.registeredName ?? '')) subject['registeredName'] = registeredName;
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
      {kind === 'person' ? (
        <>
          <TextInput
            label={t('givenNames')}
            value={givenNames}
            onChange={setGivenNames}
            error={s('givenNames')}
          />
          <TextInput
            label={t('familyName')}
            value={familyName}
            onChange={setFamilyName}
            error={s('familyName')}
          />
          {!p ? (
            <>
              <TextInput
                label={t('dateOfBirth')}
                type="date"
                value={dateOfBirth}
                onChange={setDateOfBirth}
                error={s('dateOfBirth')}
              />
              <CountrySelect
                label={t('nationality')}
                optional
                value={nationality}
                onChange={setNationality}
                error={s('nationalities')}
              />
            </>
          ) : null}
        </>
      ) : (
        <>
          <TextInput
            label={t('registeredName')}
            value={registeredName}
            onChange={setRegisteredName}
            error={s('registeredName')}
          />
          {!p ? (
            <>
              <TextInput
                label={t('registrationNumber')}
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
            </>
          ) : null}
        </>
      )}
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
