/**
 * One subject: identity and identity documents (masked; shown in clear, audited, only when the API
 * says the user may: `abilities.reveal`), the ownership organigram, documents with upload, its
 * screening alerts, and the applications it is part of. Each section appears only for the rights
 * it needs; the API checks every call anyway.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, PageTitle } from '../../../ui/components.tsx';
import { formatDate } from '../../../ui/i18n.ts';
import { useSession } from '../session.tsx';
import { AlertSubjectSection } from './AlertSubjectSection.tsx';
import { DocumentSection } from './DocumentSection.tsx';
import { OrganigramView } from './OrganigramView.tsx';

interface SubjectView {
  id: string;
  kind: 'person' | 'entity';
  displayName: string;
  version: number;
  dateOfBirth?: string;
  placeOfBirth?: string;
  nationalities?: string[];
  registrationNumber?: string;
  jurisdiction?: string;
  incorporationDate?: string;
  legalForm?: string;
  lei?: string;
  addresses?: { type: string; lines: string[]; city: string; postcode?: string; country: string }[];
  contact?: { emails: string[]; phones: string[] };
  identityDocuments?: {
    id: string;
    type: string;
    country: string | null;
    number: string;
    masked: boolean;
    expiresOn: string | null;
  }[];
  masked: string[];
  withheld: string[];
  abilities: { reveal: boolean; edit: boolean };
}

interface ApplicationSummary {
  id: string;
  reference: string;
  programme: { id: string; name: string };
  status: string;
  riskLevel: string | null;
  updatedAt: string;
}

/** A date of birth as the API gives it: in clear (YYYY-MM-DD) or masked to the year (YYYY-**-**). */
function birthDate(value: string): string {
  return value.includes('*') ? value.slice(0, 4) : formatDate(value);
}

export function SubjectDetail() {
  const { id = '' } = useParams();
  const { t } = useTranslation('subjects');
  const { can } = useSession();
  const [subject, setSubject] = useState<SubjectView | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [revealError, setRevealError] = useState<string | null>(null);

  const load = useCallback(
    async (reveal: boolean) => {
      try {
        setSubject(await api<SubjectView>(`/api/v1/subjects/${id}${reveal ? '?reveal=true' : ''}`));
        setRevealed(reveal);
        setRevealError(null);
      } catch (err) {
        if (reveal) setRevealError(err instanceof ApiError ? err.message : t('unavailable'));
        else setError(err instanceof ApiError && err.status === 404 ? t('notFound') : t('unavailable'));
      }
    },
    [id, t],
  );
  useEffect(() => {
    void load(false);
  }, [load]);

  if (error) return <Alert kind="error">{error}</Alert>;
  if (!subject) return <p role="status">{t('loading')}</p>;
  const s = subject;
  const f = (k: string) => t(`detail.fields.${k}`);
  const rows: [string, string | undefined][] =
    s.kind === 'person'
      ? [
          [f('dateOfBirth'), s.dateOfBirth ? birthDate(s.dateOfBirth) : undefined],
          [f('placeOfBirth'), s.placeOfBirth],
          [f('nationalities'), s.nationalities?.join(', ')],
        ]
      : [
          [f('registrationNumber'), s.registrationNumber],
          [f('jurisdiction'), s.jurisdiction],
          [f('incorporationDate'), s.incorporationDate ? formatDate(s.incorporationDate) : undefined],
          [f('legalForm'), s.legalForm],
          [f('lei'), s.lei],
        ];
  rows.push(
    [
      f('addresses'),
      s.addresses
        ?.map((a) => [...a.lines, [a.postcode, a.city].filter(Boolean).join(' '), a.country].join(', '))
        .join(' · '),
    ],
    [f('emails'), s.contact?.emails.join(', ')],
    [f('phones'), s.contact?.phones.join(', ')],
  );
  return (
    <>
      <PageTitle>{s.displayName}</PageTitle>
      <p className="subjects-kind">{t(`kind.${s.kind}`)}</p>
      {s.withheld.length > 0 ? <Alert kind="info">{t('detail.withheld')}</Alert> : null}

      <section aria-labelledby="subjects-identity" className="subjects-section">
        <h2 id="subjects-identity">{t('detail.identity')}</h2>
        <dl className="subjects-facts">
          {rows
            .filter((r): r is [string, string] => Boolean(r[1]))
            .map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
        <h3>{t('detail.identifiers')}</h3>
        {s.identityDocuments && s.identityDocuments.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('detail.docType')}</th>
                  <th scope="col">{t('detail.docNumber')}</th>
                  <th scope="col">{t('detail.docCountry')}</th>
                  <th scope="col">{t('detail.docExpires')}</th>
                </tr>
              </thead>
              <tbody>
                {s.identityDocuments.map((d) => (
                  <tr key={d.id}>
                    <th scope="row">{d.type}</th>
                    <td className="subjects-number">{d.number}</td>
                    <td>{d.country}</td>
                    <td>{d.expiresOn ? formatDate(d.expiresOn) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{t('detail.noIdentifiers')}</p>
        )}
        {revealError ? <Alert kind="error">{revealError}</Alert> : null}
        {revealed ? (
          <p role="status">{t('detail.revealed')}</p>
        ) : s.masked.length > 0 ? (
          <p className="hint">{t('detail.maskedNote')}</p>
        ) : null}
        {s.abilities.reveal && (s.masked.length > 0 || revealed) ? (
          <p>
            <Button kind="secondary" onClick={() => void load(!revealed)}>
              {revealed ? t('detail.hide') : t('detail.reveal')}
            </Button>{' '}
            {!revealed ? <span className="hint">{t('detail.revealNote')}</span> : null}
          </p>
        ) : null}
      </section>

      {s.kind === 'entity' ? (
        <section aria-labelledby="subjects-ownership" className="subjects-section">
          <h2 id="subjects-ownership">{t('detail.ownership')}</h2>
          <OrganigramView subjectId={s.id} subjectName={s.displayName} subjectKind={s.kind} />
        </section>
      ) : null}

      <DocumentSection subjectId={s.id} subjectKind={s.kind} />

      {can('screening:run') ? (
        <section aria-labelledby="subjects-screening" className="subjects-section">
          <h2 id="subjects-screening">{t('detail.screening')}</h2>
          <AlertSubjectSection subjectId={s.id} />
        </section>
      ) : null}

      {can('application:read') ? <SubjectInvolvements subjectId={s.id} /> : null}
    </>
  );
}

function SubjectInvolvements(props: { subjectId: string }) {
  const { t } = useTranslation('subjects');
  const [items, setItems] = useState<ApplicationSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: ApplicationSummary[] }>(`/api/v1/applications?subjectId=${props.subjectId}&limit=200`).then(
      (p) => setItems(p.items),
      () => setError(t('unavailable')),
    );
  }, [props.subjectId, t]);
  return (
    <section aria-labelledby="subjects-involvements" className="subjects-section">
      <h2 id="subjects-involvements">{t('detail.involvements')}</h2>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {items && items.length === 0 ? <p>{t('detail.noInvolvements')}</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('detail.reference')}</th>
                <th scope="col">{t('detail.programme')}</th>
                <th scope="col">{t('detail.status')}</th>
                <th scope="col">{t('detail.risk')}</th>
                <th scope="col">{t('detail.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    <Link to={`/applications/${a.id}`}>{a.reference}</Link>
                  </th>
                  <td>{a.programme.name}</td>
                  <td>{a.status}</td>
                  <td>{a.riskLevel ?? t('detail.riskUnknown')}</td>
                  <td>{formatDate(a.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
