/**
 * Subject factories: valid persons, companies and shareholdings through the real use cases, with
 * defaults that differ on every call (so duplicate detection does not fire unless a test wants it).
 */
import type { Ctx } from '../../src/platform/context.ts';
import {
  createRelationship,
  createSubject,
  type CreateEntityBody,
  type CreatePersonBody,
  type RelationshipView,
  type SubjectView,
} from '../../src/modules/subjects/index.ts';

let seq = 0;
const next = () => ++seq;

/** A valid LEI from any 18-character prefix (check digits computed per ISO 17442). */
export function leiFor(prefix18: string): string {
  const base = prefix18.toUpperCase().padEnd(18, '0').slice(0, 18);
  let rem = 0;
  for (const ch of `${base}00`) {
    const v = parseInt(ch, 36);
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return base + String(98 - rem).padStart(2, '0');
}

export type PersonOverrides = Partial<Omit<CreatePersonBody, 'kind'>>;
export type CompanyOverrides = Partial<Omit<CreateEntityBody, 'kind'>>;

/** A natural person with a passport; every field can be overridden. */
export async function createPerson(ctx: Ctx, overrides: PersonOverrides = {}): Promise<SubjectView> {
  const n = next();
  const body: CreatePersonBody = {
    kind: 'person',
    givenNames: 'Ada',
    familyName: `Lovelace${n}`,
    dateOfBirth: `1980-01-${String((n % 28) + 1).padStart(2, '0')}`,
    nationalities: ['GB'],
    addresses: [
      {
        type: 'residential',
        lines: [`${n} St James's Square`],
        city: 'London',
        postcode: 'SW1Y 4JH',
        country: 'GB',
      },
    ],
    identityDocuments: [
      { type: 'passport', number: `P${String(100000000 + n)}`, country: 'GB', expiresOn: '2035-01-01' },
    ],
    contact: { emails: [`ada${n}@example.org`], phones: ['+442079460000'] },
    ...overrides,
  };
  return (await createSubject(ctx, body)).subject;
}

/** A company (legal entity) registered in Luxembourg by default. */
export async function createCompany(ctx: Ctx, overrides: CompanyOverrides = {}): Promise<SubjectView> {
  const n = next();
  const body: CreateEntityBody = {
    kind: 'entity',
    registeredName: `Analytical Engines ${n} S.A.`,
    registrationNumber: `B${String(200000 + n)}`,
    jurisdiction: 'LU',
    incorporationDate: '2010-06-01',
    legalForm: 'S.A.',
    addresses: [
      {
        type: 'registered',
        lines: [`${n} Boulevard Royal`],
        city: 'Luxembourg',
        postcode: 'L-2449',
        country: 'LU',
      },
    ],
    ...overrides,
  };
  return (await createSubject(ctx, body)).subject;
}

/** `owner` holds `sharePct` (and optionally `votingPct`) of `owned`. */
export async function createShareholding(
  ctx: Ctx,
  owner: { id: string },
  owned: { id: string },
  sharePct: number,
  votingPct?: number,
): Promise<RelationshipView> {
  return createRelationship(ctx, {
    fromSubjectId: owner.id,
    toSubjectId: owned.id,
    kind: 'shareholder',
    sharePct,
    ...(votingPct === undefined ? {} : { votingPct }),
  });
}
