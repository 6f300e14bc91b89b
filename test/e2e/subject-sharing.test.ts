/**
 * What a programme shares of its subjects (issue 4, item 3): a subject owned by a programme that
 * shares only the basics ('basic') shows an actor who sees it through another programme's
 * application only its id, kind, name and nationalities or jurisdiction, `withheld` naming the rest;
 * a clear view does not bring them back and the actor cannot edit it. With 'full' the actor sees
 * every field (masked as usual); the owning programme's members always do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProgrammeView } from '../../src/modules/programmes/index.ts';
import { setProgrammeMembers } from '../../src/modules/programmes/index.ts';
import type { SubjectView } from '../../src/modules/subjects/index.ts';
import { backends } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browser, controlClock, createStaff, signInWithTotp } from '../support/auth.ts';
import { auditOf, makeApplication, makeProgramme } from '../support/factories-applications.ts';
import { createCompany, createPerson } from '../support/factories-subjects.ts';

const DOB = '1971-03-04';
const PASSPORT = 'SHARE12345';
const PERSON_WITHHELD = [
  'givenNames',
  'middleNames',
  'familyName',
  'fullName',
  'otherNames',
  'dateOfBirth',
  'placeOfBirth',
  'gender',
  'addresses',
  'contact',
  'identityDocuments',
];

for (const backend of backends) {
  describe(`subject sharing between programmes [${backend.kind}]`, () => {
    let t: TestApp;
    /** Owns the subjects; shares only the basics at first. */
    let owner: ProgrammeView;
    /** Sees them through its application. */
    let other: ProgrammeView;
    let person: SubjectView;
    let company: SubjectView;
    let ownerSession: { token: string; csrf: string };
    let otherSession: { token: string; csrf: string };

    before(async () => {
      t = await startTestApp(backend);
      const clock = controlClock(t);
      const created = await t.call('POST', '/api/v1/programmes', {
        body: { name: 'Sharing basics', allowedEntityTypes: ['person', 'entity'], subjectSharing: 'basic' },
      });
      assert.equal(created.statusCode, 201, created.body);
      owner = created.json();
      other = await makeProgramme(t.ctx);
      person = await createPerson(t.ctx, {
        programmeId: owner.id,
        givenNames: 'Berta',
        familyName: 'Basic',
        dateOfBirth: DOB,
        nationalities: ['AT'],
        identityDocuments: [{ type: 'passport', number: PASSPORT, country: 'AT' }],
      });
      company = await createCompany(t.ctx, { programmeId: owner.id, registeredName: 'Basic Shared GmbH' });
      await makeApplication(t.ctx, {
        programmeId: other.id,
        subjects: [{ subjectId: person.id, role: 'applicant' }],
      });
      await makeApplication(t.ctx, {
        programmeId: other.id,
        subjects: [{ subjectId: company.id, role: 'applicant' }],
      });
      const rights = ['subject:read', 'subject:write', 'subject:reveal-identifiers'] as const;
      const ownerStaff = await createStaff(t, { totp: true, rights: [...rights] });
      const otherStaff = await createStaff(t, { totp: true, rights: [...rights] });
      await setProgrammeMembers(t.ctx, owner.id, [ownerStaff.id]);
      await setProgrammeMembers(t.ctx, other.id, [otherStaff.id]);
      ownerSession = await signInWithTotp(t, ownerStaff, clock);
      otherSession = await signInWithTotp(t, otherStaff, clock);
    });
    after(() => t.close());

    const get = (s: { token: string }, url: string) => browser(t, 'GET', url, { cookie: s.token });
    const clearOrMasked = new RegExp([PASSPORT, '••••', DOB, '1971-\\*', 'Berta'].join('|'));

    it('programmes share everything by default; the setting is shown', () => {
      assert.equal(owner.subjectSharing, 'basic');
      assert.equal(other.subjectSharing, 'full');
    });

    it('through another programme’s application: only the basics, withheld named, even revealed', async () => {
      for (const url of [`/api/v1/subjects/${person.id}`, `/api/v1/subjects/${person.id}?reveal=true`]) {
        const res = await get(otherSession, url);
        assert.equal(res.statusCode, 200, res.body);
        const v = res.json();
        assert.deepEqual(Object.keys(v).sort(), [
          'abilities',
          'createdAt',
          'displayName',
          'id',
          'kind',
          'masked',
          'nationalities',
          'updatedAt',
          'version',
          'withheld',
        ]);
        assert.equal(v.displayName, 'Berta Basic');
        assert.deepEqual(v.nationalities, ['AT']);
        assert.deepEqual(v.withheld, PERSON_WITHHELD);
        assert.deepEqual(v.masked, []);
        assert.doesNotMatch(res.body.replace('Berta Basic', ''), clearOrMasked);
      }
      const entity = (await get(otherSession, `/api/v1/subjects/${company.id}`)).json();
      assert.equal(entity.displayName, 'Basic Shared GmbH');
      assert.equal(entity.registrationNumber, undefined);
      assert.ok(entity.withheld.includes('registrationNumber'));
      assert.ok(!entity.withheld.includes('jurisdiction'));
      // The list withholds the same.
      const items = (await get(otherSession, '/api/v1/subjects?limit=200')).json().items as {
        id: string;
        dateOfBirth: string | null;
        withheld: string[];
      }[];
      const row = items.find((i) => i.id === person.id)!;
      assert.equal(row.dateOfBirth, null);
      assert.deepEqual(row.withheld, ['dateOfBirth']);
    });

    it('such a subject cannot be edited by the other programme’s member (404)', async () => {
      const patch = await browser(t, 'PATCH', `/api/v1/subjects/${person.id}`, {
        cookie: otherSession.token,
        csrf: otherSession.csrf,
        body: { version: person.version, placeOfBirth: 'Graz' },
      });
      assert.equal(patch.statusCode, 404, patch.body);
    });

    it('the owning programme’s members and the all-programme key see everything', async () => {
      for (const res of [
        await get(ownerSession, `/api/v1/subjects/${person.id}`),
        await t.call('GET', `/api/v1/subjects/${person.id}`),
      ]) {
        assert.equal(res.statusCode, 200, res.body);
        const v = res.json();
        assert.equal(v.dateOfBirth, '1971-**-**');
        assert.equal(v.givenNames, 'Berta');
        assert.equal(v.identityDocuments.length, 1);
        assert.deepEqual(v.withheld, []);
      }
    });

    it('with sharing set to full (audited), the other programme sees every field, masked', async () => {
      const res = await t.call('PATCH', `/api/v1/programmes/${owner.id}`, {
        body: { version: owner.version, subjectSharing: 'full' },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().subjectSharing, 'full');
      const updated = (await auditOf(t.database.db, owner.id)).find((e) => e.type === 'programme.updated');
      assert.deepEqual(updated?.payload, {
        changes: { subjectSharing: { from: 'basic', to: 'full' } },
        version: owner.version + 1,
      });
      const v = (await get(otherSession, `/api/v1/subjects/${person.id}`)).json();
      assert.equal(v.dateOfBirth, '1971-**-**');
      assert.equal(v.givenNames, 'Berta');
      assert.equal(v.identityDocuments[0].number, `••••${PASSPORT.slice(-4)}`);
      assert.deepEqual(v.withheld, []);
      assert.deepEqual(v.masked, ['dateOfBirth', 'identityDocuments.number']);
      const patch = await browser(t, 'PATCH', `/api/v1/subjects/${person.id}`, {
        cookie: otherSession.token,
        csrf: otherSession.csrf,
        body: { version: person.version, placeOfBirth: 'Graz' },
      });
      assert.equal(patch.statusCode, 200, patch.body);
    });
  });
}
