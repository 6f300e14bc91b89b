/**
 * The demo data set, used by `dossier seed demo` and by tests: one programme, three persons, a
 * company owned through a two-level chain (persons → Northwind Holdings → Northwind Trading) and an
 * onboarding application for the trading company. Everything goes through the use cases, so the
 * seed is validated and audited like any other change. Loading it twice changes nothing.
 */
import type { Ctx } from '../../platform/context.ts';
import { createApplication } from '../../modules/applications/index.ts';
import { createProgramme } from '../../modules/programmes/index.ts';
import { createRelationship, createSubject } from '../../modules/subjects/index.ts';

export const DEMO_PROGRAMME = 'Corporate clients (demo)';

export interface DemoSeed {
  programmeId: string;
  applicationId: string;
  applicationReference: string;
  /** Persons first (Maria Rossi, Jan de Vries, Aiko Tanaka), then Northwind Holdings, Northwind Trading. */
  subjectIds: string[];
  alreadyLoaded: boolean;
}

export async function seedDemo(ctx: Ctx): Promise<DemoSeed> {
  const existing = await ctx.db
    .selectFrom('programmes')
    .select('id')
    .where('name', '=', DEMO_PROGRAMME)
    .executeTakeFirst();
  if (existing) {
    const app = await ctx.db
      .selectFrom('applications')
      .select(['id', 'reference'])
      .where('programme_id', '=', existing.id)
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const subjects = await ctx.db
      .selectFrom('application_subjects')
      .select('subject_id')
      .where('application_id', '=', app.id)
      .execute();
    return {
      programmeId: existing.id,
      applicationId: app.id,
      applicationReference: app.reference,
      subjectIds: [...new Set(subjects.map((s) => s.subject_id))],
      alreadyLoaded: true,
    };
  }

  const programme = await createProgramme(ctx, {
    name: DEMO_PROGRAMME,
    description: 'Onboarding of corporate clients with their owners and directors.',
    allowedEntityTypes: ['entity', 'person'],
    uboThreshold: 25,
  });
  const person = async (
    givenNames: string,
    familyName: string,
    dateOfBirth: string,
    nationality: string,
    passport: string,
  ) =>
    (
      await createSubject(ctx, {
        kind: 'person',
        programmeId: programme.id,
        givenNames,
        familyName,
        dateOfBirth,
        nationalities: [nationality],
        identityDocuments: [{ type: 'passport', number: passport, country: nationality }],
        addresses: [
          { type: 'residential', lines: ['1 Demo Street'], city: 'Demo City', country: nationality },
        ],
      })
    ).subject;
  const maria = await person('Maria', 'Rossi', '1978-03-14', 'IT', 'YA1234567');
  const jan = await person('Jan', 'de Vries', '1982-11-02', 'NL', 'NX7654321');
  const aiko = await person('Aiko', 'Tanaka', '1990-06-21', 'JP', 'TZ0011223');
  const company = async (registeredName: string, registrationNumber: string, incorporationDate: string) =>
    (
      await createSubject(ctx, {
        kind: 'entity',
        programmeId: programme.id,
        registeredName,
        registrationNumber,
        jurisdiction: 'GB',
        incorporationDate,
        legalForm: 'Private limited company',
        addresses: [
          {
            type: 'registered',
            lines: ['10 Harbour Road'],
            city: 'London',
            postcode: 'E1 6AN',
            country: 'GB',
          },
        ],
      })
    ).subject;
  const holdings = await company('Northwind Holdings Ltd', '01234567', '2009-04-01');
  const trading = await company('Northwind Trading Ltd', '07654321', '2014-09-15');

  const link = (from: string, to: string, kind: 'shareholder' | 'director', sharePct?: number) =>
    createRelationship(ctx, {
      fromSubjectId: from,
      toSubjectId: to,
      kind,
      ...(sharePct ? { sharePct } : {}),
    });
  // Maria: 60% × 80% = 48% of Trading; Jan: 40% × 80% = 32%; Aiko: 20% directly.
  await link(maria.id, holdings.id, 'shareholder', 60);
  await link(jan.id, holdings.id, 'shareholder', 40);
  await link(holdings.id, trading.id, 'shareholder', 80);
  await link(aiko.id, trading.id, 'shareholder', 20);
  await link(jan.id, holdings.id, 'director');
  await link(aiko.id, trading.id, 'director');

  const application = await createApplication(ctx, {
    programmeId: programme.id,
    subjects: [
      { subjectId: trading.id, role: 'applicant' },
      { subjectId: holdings.id, role: 'shareholder' },
      { subjectId: aiko.id, role: 'director' },
      { subjectId: maria.id, role: 'ubo' },
      { subjectId: jan.id, role: 'ubo' },
    ],
  });
  return {
    programmeId: programme.id,
    applicationId: application.id,
    applicationReference: application.reference,
    subjectIds: [maria.id, jan.id, aiko.id, holdings.id, trading.id],
    alreadyLoaded: false,
  };
}
