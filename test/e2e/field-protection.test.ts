/**
 * Field-level protection over HTTP (issue 4, item 4 and its audit, item 7; Must show "masked fields
 * are masked for analysts and clear for the role holding the right, and the clear view is audited"):
 * signed-in staff, one with `subject:read` only and one also holding `subject:reveal-identifiers`,
 * and the built-in Analyst and Compliance officer roles.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILT_IN_ROLE_IDS } from '../../src/modules/roles/index.ts';
import { identifierContext } from '../../src/modules/subjects/subject.identifiers.ts';
import type { SubjectView } from '../../src/modules/subjects/index.ts';
import { backends } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { auditOf, browser, controlClock, createStaff, signInWithTotp } from '../support/auth.ts';
import { makeProgramme } from '../support/factories-applications.ts';
import { createCompany, createPerson } from '../support/factories-subjects.ts';
import { setProgrammeMembers } from '../../src/modules/programmes/index.ts';

const PASSPORT = 'XK55501234';
const TAX_ID = 'LU-TAX-9876543';
const DOB = '1957-03-14';
const REG = 'B765432';

type Session = { token: string; csrf: string };

for (const backend of backends) {
  describe(`field-level protection [${backend.kind}]`, () => {
    let t: TestApp;
    let reader: Session;
    let revealer: Session;
    let analyst: Session;
    let officer: Session;
    let person: SubjectView;
    let company: SubjectView;
    /** Staff see the subjects of their programmes only: everyone here is a member of this one. */
    let programmeId: string;

    before(async () => {
      t = await startTestApp(backend);
      const clock = controlClock(t);
      programmeId = (await makeProgramme(t.ctx)).id;
      const members: string[] = [];
      const signIn = async (opts: Parameters<typeof createStaff>[1]) => {
        const staff = await createStaff(t, { totp: true, ...opts });
        members.push(staff.id);
        return signInWithTotp(t, staff, clock);
      };
      reader = await signIn({ rights: ['subject:read'] });
      revealer = await signIn({ rights: ['subject:read', 'subject:reveal-identifiers'] });
      analyst = await signIn({ roleIds: [BUILT_IN_ROLE_IDS.analyst] });
      officer = await signIn({ roleIds: [BUILT_IN_ROLE_IDS.complianceOfficer] });
      await setProgrammeMembers(t.ctx, programmeId, members);
      person = await createPerson(t.ctx, {
        programmeId,
        givenNames: 'Lise',
        familyName: 'Meitner-Protected',
        dateOfBirth: DOB,
        identityDocuments: [
          { type: 'passport', number: PASSPORT, country: 'AT' },
          { type: 'tax_id', number: TAX_ID, country: 'LU' },
        ],
      });
      company = await createCompany(t.ctx, {
        programmeId,
        registeredName: 'Protected Holdings SA',
        registrationNumber: REG,
        identityDocuments: [{ type: 'tax_id', number: 'LU20001234', country: 'LU' }],
      });
    });
    after(() => t.close());

    const get = (s: Session, url: string) => browser(t, 'GET', url, { cookie: s.token });
    const clearValues = new RegExp([PASSPORT, TAX_ID, DOB, REG, 'LU20001234'].join('|'));
    const reveals = () => auditOf(t, 'subject.sensitive_fields_revealed');

    it('a reader without the right: masked views, abilities.reveal false, 403 (audited) on ?reveal=true', async () => {
      const res = await get(reader, `/api/v1/subjects/${person.id}`);
      assert.equal(res.statusCode, 200);
      const v = res.json();
      assert.equal(v.dateOfBirth, '1957-**-**');
      assert.deepEqual(
        v.identityDocuments.map((d: { number: string; masked: boolean }) => [d.number, d.masked]),
        [
          ['••••1234', true],
          ['••••6543', true],
        ],
      );
      assert.deepEqual(v.masked, ['dateOfBirth', 'identityDocuments.number']);
      assert.deepEqual(v.abilities, { reveal: false, edit: false });
      assert.doesNotMatch(res.body, clearValues);

      const entity = await get(reader, `/api/v1/subjects/${company.id}`);
      assert.equal(entity.json().registrationNumber, '••••32');
      assert.deepEqual(entity.json().masked, ['registrationNumber', 'identityDocuments.number']);
      assert.doesNotMatch(entity.body, clearValues);

      const before = (await reveals()).length;
      for (const url of [`/api/v1/subjects/${person.id}?reveal=true`, '/api/v1/subjects?reveal=true']) {
        const refused = await get(reader, url);
        assert.equal(refused.statusCode, 403, url);
        assert.equal(refused.json().code, 'forbidden');
        assert.doesNotMatch(refused.body, clearValues);
      }
      assert.equal((await reveals()).length, before, 'a refusal reveals nothing');
      const denied = (await auditOf(t, 'access.denied')).filter(
        (d) => (d.payload as { right: string }).right === 'subject:reveal-identifiers',
      );
      assert.deepEqual(
        denied.map((d) => (d.payload as { route: string }).route),
        ['/api/v1/subjects/:id', '/api/v1/subjects'],
      );
    });

    it('the holder of the right: masked by default, clear with ?reveal=true, audited with field names only', async () => {
      const masked = await get(revealer, `/api/v1/subjects/${person.id}`);
      assert.equal(masked.json().dateOfBirth, '1957-**-**');
      assert.deepEqual(masked.json().abilities, { reveal: true, edit: false });
      assert.doesNotMatch(masked.body, clearValues);

      const before = (await reveals()).length;
      const res = await get(revealer, `/api/v1/subjects/${person.id}?reveal=true`);
      assert.equal(res.statusCode, 200);
      const v = res.json();
      assert.equal(v.dateOfBirth, DOB);
      assert.deepEqual(
        v.identityDocuments.map((d: { number: string; masked: boolean }) => [d.number, d.masked]),
        [
          [PASSPORT, false],
          [TAX_ID, false],
        ],
      );
      assert.deepEqual(v.masked, []);
      const events = (await reveals()).slice(before);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.target_id, person.id);
      assert.deepEqual(events[0]!.payload, {
        subjectIds: [person.id],
        fields: ['dateOfBirth', 'identityDocuments.number'],
      });
      assert.doesNotMatch(JSON.stringify(events[0]), clearValues);
      assert.doesNotMatch(JSON.stringify(events[0]), /1234|6543|03-14/);

      const entity = await get(revealer, `/api/v1/subjects/${company.id}?reveal=true`);
      assert.equal(entity.json().registrationNumber, REG);
      assert.deepEqual((await reveals()).at(-1)!.payload, {
        subjectIds: [company.id],
        fields: ['registrationNumber', 'identityDocuments.number'],
      });
    });

    it('lists: masked by default for everyone; a revealed page is audited once with its ids', async () => {
      for (const s of [reader, revealer]) {
        const res = await get(s, '/api/v1/subjects?q=protected');
        assert.equal(res.statusCode, 200);
        const items = res.json().items as { id: string; dateOfBirth: string | null; masked: string[] }[];
        assert.deepEqual(items.map((i) => i.id).sort(), [person.id, company.id].sort());
        assert.equal(items.find((i) => i.id === person.id)!.dateOfBirth, '1957-**-**');
        assert.deepEqual(items.find((i) => i.id === company.id)!.masked, ['registrationNumber']);
        assert.doesNotMatch(res.body, clearValues);
      }
      const before = (await reveals()).length;
      const res = await get(revealer, '/api/v1/subjects?q=protected&reveal=true');
      const items = res.json().items as {
        id: string;
        dateOfBirth: string | null;
        registrationNumber: string | null;
      }[];
      assert.equal(items.find((i) => i.id === person.id)!.dateOfBirth, DOB);
      assert.equal(items.find((i) => i.id === company.id)!.registrationNumber, REG);
      const events = (await reveals()).slice(before);
      assert.equal(events.length, 1, 'one event per page');
      assert.equal(events[0]!.target_id, null);
      assert.deepEqual(events[0]!.payload, {
        subjectIds: items.map((i) => i.id),
        fields: ['dateOfBirth', 'registrationNumber'],
      });
      assert.doesNotMatch(JSON.stringify(events[0]), clearValues);
      const empty = await get(revealer, '/api/v1/subjects?q=nobodyatall&reveal=true');
      assert.deepEqual(empty.json().items, []);
      assert.equal((await reveals()).length, before + 1, 'an empty page reveals nothing');
    });

    it('built-in roles: Analyst sees masked and may not reveal; Compliance officer reveals, audited', async () => {
      const a = await get(analyst, `/api/v1/subjects/${person.id}`);
      assert.equal(a.statusCode, 200);
      assert.equal(a.json().dateOfBirth, '1957-**-**');
      assert.deepEqual(a.json().abilities, { reveal: false, edit: true });
      assert.equal((await get(analyst, `/api/v1/subjects/${person.id}?reveal=true`)).statusCode, 403);
      const o = await get(officer, `/api/v1/subjects/${person.id}?reveal=true`);
      assert.equal(o.statusCode, 200);
      assert.equal(o.json().dateOfBirth, DOB);
      assert.equal(o.json().identityDocuments[0].number, PASSPORT);
      assert.deepEqual((await reveals()).at(-1)!.target_id, person.id);
    });

    it('create and update responses are masked; a masked value cannot be written back; stored values unchanged', async () => {
      const created = await browser(t, 'POST', '/api/v1/subjects', {
        cookie: officer.token,
        csrf: officer.csrf,
        body: {
          kind: 'person',
          programmeId,
          givenNames: 'Chien-Shiung',
          familyName: 'Wu-Protected',
          dateOfBirth: '1962-05-31',
          identityDocuments: [{ type: 'tax_id', number: 'TW-55-443322', country: 'TW' }],
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      const s = created.json().subject;
      assert.equal(s.dateOfBirth, '1962-**-**');
      assert.equal(s.identityDocuments[0].number, '••••3322');
      assert.deepEqual(s.masked, ['dateOfBirth', 'identityDocuments.number']);
      assert.deepEqual(s.abilities, { reveal: true, edit: true });
      assert.doesNotMatch(created.body, /1962-05-31|TW-55-443322/);

      const patched = await browser(t, 'PATCH', `/api/v1/subjects/${s.id}`, {
        cookie: officer.token,
        csrf: officer.csrf,
        body: { version: 1, placeOfBirth: 'Liuhe' },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().dateOfBirth, '1962-**-**');
      assert.doesNotMatch(patched.body, /1962-05-31|TW-55-443322/);

      const backDob = await browser(t, 'PATCH', `/api/v1/subjects/${s.id}`, {
        cookie: officer.token,
        csrf: officer.csrf,
        body: { version: 2, dateOfBirth: '1962-**-**' },
      });
      assert.equal(backDob.statusCode, 400);
      const backReg = await browser(t, 'PATCH', `/api/v1/subjects/${company.id}`, {
        cookie: officer.token,
        csrf: officer.csrf,
        body: { version: 1, registrationNumber: '••••32' },
      });
      assert.equal(backReg.statusCode, 400, backReg.body);

      // At rest: profile and date column in clear as before (not masked), numbers encrypted.
      const row = await t.database.db
        .selectFrom('subjects')
        .selectAll()
        .where('id', 'in', [s.id, company.id])
        .orderBy('display_name')
        .execute();
      const byId = new Map(row.map((r) => [r.id, r]));
      assert.equal(byId.get(s.id)!.date_of_birth, '1962-05-31');
      assert.equal((byId.get(company.id)!.profile as { registrationNumber: string }).registrationNumber, REG);
      const ids = await t.database.db
        .selectFrom('subject_identifiers')
        .selectAll()
        .where('subject_id', '=', s.id)
        .execute();
      assert.equal(ids.length, 1);
      assert.ok(!Buffer.from(ids[0]!.value_enc).toString('latin1').includes('443322'));
      assert.equal(t.ctx.keyring.decryptField(ids[0]!.value_enc, identifierContext(s.id)), 'TW-55-443322');
    });
  });
}
