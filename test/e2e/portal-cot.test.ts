/**
 * The Customer Outreach Tool end to end, through the portal, the real mTLS link and the internal
 * server: a client organisation adds and changes the related parties of its application (a director,
 * a corporate shareholder, the UBO behind it: a two-level ownership graph), staff see them with the
 * client as creator; notes staff share are read on the portal and client messages reach staff.
 * Attacks: another organisation's application and party ids, a read-only user, a change without the
 * CSRF token, a party staff added, shares over 100%, an ownership cycle, and a client adding a person
 * the firm already knows (the answer must not tell).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { backends } from '../support/db.ts';
import { defaultStatusMachine } from '../../src/modules/programmes/index.ts';
import { makeApplication, makeProgramme } from '../support/factories-applications.ts';
import { createCompany, createPerson } from '../support/factories-subjects.ts';
import { startPortalStack, type ClientSession, type PortalStack } from '../support/portal.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const director = {
  kind: 'person',
  givenNames: 'Hélène',
  familyName: 'Marchetti',
  dateOfBirth: '1971-09-23',
  nationalities: ['IT', 'LU'],
  addresses: [{ type: 'residential', lines: ['12 rue des Bains'], city: 'Luxembourg', country: 'LU' }],
  identityDocuments: [{ type: 'passport', number: 'YB4410925', country: 'IT', expiresOn: '2031-03-01' }],
};
const holdco = {
  kind: 'entity',
  registeredName: 'Marchetti Holdings S.à r.l.',
  registrationNumber: 'B 245 118',
  jurisdiction: 'LU',
  incorporationDate: '2016-02-11',
  legalForm: 'S.à r.l.',
};
const ubo = {
  kind: 'person',
  givenNames: 'Paolo',
  familyName: 'Marchetti',
  dateOfBirth: '1968-01-30',
  nationalities: ['IT'],
  addresses: [{ type: 'residential', lines: ['Via Roma 4'], city: 'Milano', country: 'IT' }],
};

/** Fields a client view must never carry. */
const INTERNAL = [
  'riskLevel',
  'screeningStatus',
  'screening',
  'alerts',
  'programme',
  'programmeId',
  'assignee',
];

for (const backend of backends) {
  describe(`COT: related parties and shared notes on the portal (${backend.kind})`, () => {
    let s: PortalStack;
    let a: ClientSession & { email: string };
    let aReader: ClientSession;
    let b: ClientSession & { email: string };
    let appA: string;
    let appB: string;
    let mainA: string;
    let directorId: string;
    let holdcoId: string;
    let uboId: string;

    const parties = (app: string) => `/api/v1/applications/${app}/parties`;
    const notes = (app: string) => `/api/v1/applications/${app}/notes`;
    const json = (r: LightMyRequestResponse) => r.json() as Record<string, unknown>;
    const countRows = async () => ({
      subjects: Number(
        (
          await s.t.database.db
            .selectFrom('subjects')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      links: Number(
        (
          await s.t.database.db
            .selectFrom('application_subjects')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      relationships: Number(
        (
          await s.t.database.db
            .selectFrom('relationships')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      notes: Number(
        (
          await s.t.database.db
            .selectFrom('application_notes')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    });
    type PartyView = { id: string; version: number; holdings: unknown[]; [k: string]: unknown };
    const partyOf = async (session: ClientSession, app: string, id: string) => {
      const r = await s.portalCall('GET', parties(app), { as: session });
      assert.equal(r.statusCode, 200, r.body);
      return (r.json().items as PartyView[]).find((p) => p.id === id)!;
    };
    const partyAddedEvent = async (subjectId: string) => {
      const rows = await s.t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'application.client_party_added')
        .execute();
      const found = rows.find((r) => (r.payload as { subjectId: string }).subjectId === subjectId);
      assert.ok(found, `an application.client_party_added event for ${subjectId}`);
      return found.payload as { possibleDuplicates: string[] };
    };

    before(async () => {
      s = await startPortalStack(backend);
      a = await s.newClient('Marchetti Group');
      aReader = await s.addClient(a.organisationId, 'read_only');
      b = await s.newClient('Borealis Trading');
      const company = await createCompany(s.t.ctx);
      mainA = company.id;
      appA = (await makeApplication(s.t.ctx, { applicantId: company.id })).id;
      const put = await s.staffCall('PUT', `/api/v1/applications/${appA}/client-organisation`, {
        organisationId: a.organisationId,
      });
      assert.equal(put.statusCode, 200, put.body);
      appB = await s.applicationFor(b.organisationId);
    });
    after(() => s.close());

    it('a client adds a director, a 60% corporate shareholder and the UBO owning it; staff see them with the client as creator', async () => {
      const d = await s.portalCall('POST', parties(appA), {
        as: a,
        body: { subject: director, roles: ['director'] },
      });
      assert.equal(d.statusCode, 201, d.body);
      const dv = d.json();
      directorId = dv.id;
      assert.deepEqual(dv.roles, ['director']);
      assert.equal(dv.addedBy, 'organisation');
      assert.equal(dv.editable, true);
      assert.equal(dv.main, false);
      assert.equal(dv.displayName, 'Hélène Marchetti');
      assert.equal(dv.dateOfBirth, '1971-**-**', 'date of birth masked');
      assert.equal(dv.countryOfResidence, 'LU');
      assert.equal(dv.identityDocuments.length, 1);
      assert.equal(dv.identityDocuments[0].number, '••••0925', 'document number masked');
      assert.ok(!d.body.includes('YB4410925') && !d.body.includes('09-23'), 'no identifier in clear');
      for (const k of INTERNAL) assert.equal(k in dv, false, `no ${k}`);
      assert.deepEqual(dv.holdings, []);

      const h = await s.portalCall('POST', parties(appA), {
        as: a,
        body: { subject: holdco, roles: ['shareholder'], holding: { sharePct: 60 } },
      });
      assert.equal(h.statusCode, 201, h.body);
      holdcoId = h.json().id;
      assert.deepEqual(h.json().holdings, [{ ownedSubjectId: mainA, sharePct: 60, votingPct: null }]);
      assert.match(h.json().registrationNumber, /^••••/);

      const u = await s.portalCall('POST', parties(appA), {
        as: a,
        body: { subject: ubo, roles: ['ubo'], holding: { ownedSubjectId: holdcoId, sharePct: 100 } },
      });
      assert.equal(u.statusCode, 201, u.body);
      uboId = u.json().id;
      assert.deepEqual(u.json().holdings, [{ ownedSubjectId: holdcoId, sharePct: 100, votingPct: null }]);

      // The client's list: the main subject first (the firm's), then the parties by role.
      const list = await s.portalCall('GET', parties(appA), { as: a });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(list.json().changes, { allowed: true, reason: null });
      assert.deepEqual(
        list
          .json()
          .items.map((p: { id: string; roles: string[]; addedBy: string; editable: boolean }) => [
            p.id,
            p.roles,
            p.addedBy,
            p.editable,
          ]),
        [
          [mainA, ['applicant'], 'staff', false],
          [directorId, ['director'], 'organisation', true],
          [holdcoId, ['shareholder'], 'organisation', true],
          [uboId, ['ubo'], 'organisation', true],
        ],
      );
      const main = list.json().items[0];
      assert.equal(main.main, true);
      assert.equal(main.addresses, undefined, 'details of a party the firm added are not shown');
      for (const p of list.json().items) for (const k of INTERNAL) assert.equal(k in p, false, `no ${k}`);

      // Staff: the application names the client user as the one who added each party.
      const staffView = await s.staffCall('GET', `/api/v1/applications/${appA}`);
      assert.equal(staffView.statusCode, 200);
      const bySubject = new Map(
        staffView
          .json()
          .subjects.map((x: { id: string; role: string; addedBy: string | null }) => [
            `${x.id}:${x.role}`,
            x.addedBy,
          ]),
      );
      assert.equal(bySubject.get(`${mainA}:applicant`), null);
      for (const [id, role] of [
        [directorId, 'director'],
        [holdcoId, 'shareholder'],
        [uboId, 'ubo'],
      ])
        assert.equal(bySubject.get(`${id}:${role}`), `client:${a.userId}`);

      // Staff: the ownership graph of the main subject, two levels up, with the UBO.
      const own = await s.staffCall('GET', `/api/v1/subjects/${mainA}/ownership`);
      assert.equal(own.statusCode, 200, own.body);
      const owners = new Map(
        own
          .json()
          .owners.map((o: { subjectId: string; directPct: number; effectivePct: number }) => [
            o.subjectId,
            [o.directPct, o.effectivePct],
          ]),
      );
      assert.deepEqual(owners.get(holdcoId), [60, 60]);
      assert.deepEqual(owners.get(uboId), [0, 60]);
      const candidate = own.json().uboCandidates.find((c: { subjectId: string }) => c.subjectId === uboId);
      assert.deepEqual(candidate.reasons.sort(), ['declared_ubo', 'effective_ownership', 'effective_voting']);
      const rels = await s.staffCall('GET', `/api/v1/subjects/${directorId}/relationships`);
      assert.deepEqual(
        rels
          .json()
          .items.map((r: { kind: string; counterpart: { id: string } }) => [r.kind, r.counterpart.id]),
        [['director', mainA]],
      );

      // The new subjects are in the application's programme, and the trail names the client.
      const app = (await s.staffCall('GET', `/api/v1/applications/${appA}`)).json();
      const rows = await s.t.database.db
        .selectFrom('subjects')
        .select(['id', 'programme_id'])
        .where('id', 'in', [directorId, holdcoId, uboId])
        .execute();
      assert.ok(rows.every((r) => r.programme_id === app.programme.id));
      const events = await s.t.database.db
        .selectFrom('audit_events')
        .select(['type', 'target_id', 'payload'])
        .where('actor', '=', `client:${a.userId}`)
        .orderBy('seq')
        .execute();
      const types = events.map((e) => e.type);
      assert.equal(types.filter((t) => t === 'subject.created').length, 3);
      assert.equal(types.filter((t) => t === 'application.client_party_added').length, 3);
      // director → main, holdco → main (60%), ubo → main (declared), ubo → holdco (100%).
      assert.equal(types.filter((t) => t === 'relationship.created').length, 4);
      assert.ok(!JSON.stringify(events).includes('Marchetti'), 'no personal data in the trail');
    });

    it('a client changes a percentage and a name; a sum over 100% and a cycle are refused and nothing is stored', async () => {
      const current = await partyOf(a, appA, holdcoId);
      const changed = await s.portalCall('PUT', `${parties(appA)}/${holdcoId}`, {
        as: a,
        body: {
          version: current.version,
          subject: { registeredName: 'Marchetti Holdings SARL' },
          holding: { sharePct: 55, votingPct: 60 },
        },
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(changed.json().displayName, 'Marchetti Holdings SARL');
      assert.deepEqual(changed.json().holdings, [{ ownedSubjectId: mainA, sharePct: 55, votingPct: 60 }]);
      const updated = await s.t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'application.client_party_updated')
        .where('actor', '=', `client:${a.userId}`)
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual((updated.payload as { fields: string[] }).fields, ['registeredName']);

      // The old version is refused.
      const stale = await s.portalCall('PUT', `${parties(appA)}/${holdcoId}`, {
        as: a,
        body: { version: current.version, holding: { sharePct: 50 } },
      });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'version_conflict');

      const before = await countRows();
      // 55% held already: another 50% would make 105%.
      const over = await s.portalCall('POST', parties(appA), {
        as: a,
        body: {
          subject: { ...holdco, registeredName: 'Second Holdco SA', registrationNumber: 'B 999 001' },
          roles: ['shareholder'],
          holding: { sharePct: 50 },
        },
      });
      assert.equal(over.statusCode, 400, over.body);
      assert.equal(over.json().reason, 'shares_exceed_100');
      assert.deepEqual(
        over.json().errors.map((e: { path: string }) => e.path),
        ['holding/sharePct'],
      );
      // Raising the holding itself above 100% in total: the UBO holds 100% of holdco already.
      const uboNow = await partyOf(a, appA, uboId);
      const raise = await s.portalCall('PUT', `${parties(appA)}/${uboId}`, {
        as: a,
        body: { version: uboNow.version, holding: { ownedSubjectId: mainA, sharePct: 46 } },
      });
      assert.equal(raise.statusCode, 400, raise.body);
      assert.equal(raise.json().reason, 'shares_exceed_100');
      for (const bad of [0, -5, 100.5, 12.00001]) {
        const r = await s.portalCall('POST', parties(appA), {
          as: a,
          body: { subject: holdco, roles: ['shareholder'], holding: { sharePct: bad } },
        });
        assert.equal(r.statusCode, 400, `sharePct ${bad}: ${r.body}`);
      }
      for (const body of [
        { subject: holdco, roles: ['shareholder'] },
        { subject: holdco, roles: ['ubo'] },
        { subject: director, roles: ['applicant'] },
        { subject: director, roles: ['related'] },
        { subject: director, roles: [] },
        { subject: director, roles: ['director'], holding: { sharePct: 5 } },
        { subject: director, roles: ['director'], ignoreDuplicates: true },
        { subject: { ...director, programmeId: UNKNOWN }, roles: ['director'] },
        { subject: { ...director, dateOfBirth: '2999-01-01' }, roles: ['director'] },
        { subject: director, roles: ['ubo'], holding: { ownedSubjectId: directorId, sharePct: 5 } },
        { subject: director, roles: ['ubo'], holding: { ownedSubjectId: UNKNOWN, sharePct: 5 } },
      ]) {
        const r = await s.portalCall('POST', parties(appA), { as: a, body });
        assert.equal(r.statusCode, 400, `${JSON.stringify(body).slice(0, 120)}: ${r.body}`);
        assert.equal(r.json().code, 'validation');
      }
      const future = await s.portalCall('POST', parties(appA), {
        as: a,
        body: { subject: { ...director, dateOfBirth: '2999-01-01' }, roles: ['director'] },
      });
      assert.deepEqual(
        future.json().errors.map((e: { path: string }) => e.path),
        ['subject/dateOfBirth'],
      );
      assert.deepEqual(await countRows(), before, 'nothing stored by the refused requests');

      // A cycle: a new entity owning 20% of holdco (the UBO down to 80%), then holdco owning it.
      const u80 = await s.portalCall('PUT', `${parties(appA)}/${uboId}`, {
        as: a,
        body: { version: uboNow.version, holding: { ownedSubjectId: holdcoId, sharePct: 80 } },
      });
      assert.equal(u80.statusCode, 200, u80.body);
      const sub = await s.portalCall('POST', parties(appA), {
        as: a,
        body: {
          subject: { ...holdco, registeredName: 'Circle Invest SA', registrationNumber: 'B 300 300' },
          roles: ['shareholder'],
          holding: { ownedSubjectId: holdcoId, sharePct: 20 },
        },
      });
      assert.equal(sub.statusCode, 201, sub.body);
      const beforeCycle = await countRows();
      const h = await partyOf(a, appA, holdcoId);
      const cycle = await s.portalCall('PUT', `${parties(appA)}/${holdcoId}`, {
        as: a,
        body: { version: h.version, holding: { ownedSubjectId: sub.json().id, sharePct: 10 } },
      });
      assert.equal(cycle.statusCode, 400, cycle.body);
      assert.equal(cycle.json().reason, 'ownership_cycle');
      assert.deepEqual(await countRows(), beforeCycle);
      assert.deepEqual((await partyOf(a, appA, holdcoId)).holdings, [
        { ownedSubjectId: mainA, sharePct: 55, votingPct: 60 },
      ]);

      // Removing a party others hold shares in is refused; removing the one holding them works.
      const inUse = await s.portalCall('DELETE', `${parties(appA)}/${holdcoId}`, { as: a });
      assert.equal(inUse.statusCode, 409);
      assert.equal(inUse.json().reason, 'party_in_use');
      const gone = await s.portalCall('DELETE', `${parties(appA)}/${sub.json().id}`, { as: a });
      assert.equal(gone.statusCode, 204, gone.body);
      assert.equal(await partyOf(a, appA, sub.json().id), undefined);
      const kept = await s.t.database.db
        .selectFrom('subjects')
        .select('id')
        .where('id', '=', sub.json().id)
        .executeTakeFirst();
      assert.ok(kept, 'the subject itself stays for its history');
      assert.equal(
        (
          await s.t.database.db
            .selectFrom('relationships')
            .select('id')
            .where('from_subject_id', '=', sub.json().id)
            .execute()
        ).length,
        0,
      );
    });

    it('a party staff added, and the main subject, cannot be changed or removed by the client (403 staff_added)', async () => {
      const person = await createPerson(s.t.ctx);
      const added = await s.staffCall('POST', `/api/v1/applications/${appA}/subjects`, {
        subjectId: person.id,
        role: 'signatory',
      });
      assert.equal(added.statusCode, 201, added.body);
      const seen = await partyOf(a, appA, person.id);
      assert.equal((seen as unknown as { addedBy: string }).addedBy, 'staff');
      assert.equal((seen as unknown as { editable: boolean }).editable, false);
      assert.equal((seen as unknown as { identityDocuments?: unknown }).identityDocuments, undefined);
      assert.equal((seen as unknown as { addresses?: unknown }).addresses, undefined);
      const before = await countRows();
      for (const id of [person.id, mainA]) {
        const v = (await partyOf(a, appA, id)).version;
        const put = await s.portalCall('PUT', `${parties(appA)}/${id}`, {
          as: a,
          body: { version: v, subject: { familyName: 'Changed' } },
        });
        assert.equal(put.statusCode, 403, put.body);
        assert.equal(put.json().reason, 'staff_added');
        const del = await s.portalCall('DELETE', `${parties(appA)}/${id}`, { as: a });
        assert.equal(del.statusCode, 403);
        assert.equal(del.json().reason, 'staff_added');
      }
      assert.deepEqual(await countRows(), before);
    });

    it("organisation B's client gets 404 for A's application and for A's party ids, on every route", async () => {
      const before = await countRows();
      const attempts: [string, string, unknown][] = [
        ['GET', parties(appA), undefined],
        ['POST', parties(appA), { subject: director, roles: ['director'] }],
        ['PUT', `${parties(appA)}/${directorId}`, { version: 1, subject: { familyName: 'X' } }],
        ['DELETE', `${parties(appA)}/${directorId}`, undefined],
        ['GET', notes(appA), undefined],
        ['POST', notes(appA), { body: 'hello' }],
        // A's party ids on B's own application.
        ['PUT', `${parties(appB)}/${directorId}`, { version: 1, subject: { familyName: 'X' } }],
        ['DELETE', `${parties(appB)}/${directorId}`, undefined],
        ['PUT', `${parties(appB)}/${mainA}`, { version: 1 }],
        // An unknown application.
        ['GET', parties(UNKNOWN), undefined],
      ];
      for (const [method, url, body] of attempts) {
        const r = await s.portalCall(method, url, { as: b, ...(body !== undefined ? { body } : {}) });
        assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
        assert.equal(r.json().code, 'not_found');
      }
      // A's entity named as the company B's new shareholder holds shares in: the same answer as for
      // an id that names nothing (no oracle).
      const foreign = await s.portalCall('POST', parties(appB), {
        as: b,
        body: { subject: director, roles: ['ubo'], holding: { ownedSubjectId: holdcoId, sharePct: 5 } },
      });
      const nothing = await s.portalCall('POST', parties(appB), {
        as: b,
        body: { subject: director, roles: ['ubo'], holding: { ownedSubjectId: UNKNOWN, sharePct: 5 } },
      });
      assert.equal(foreign.statusCode, 400);
      assert.deepEqual(foreign.json().errors, nothing.json().errors);
      assert.equal(foreign.json().detail, nothing.json().detail);
      // B's own list shows only B's application's parties.
      const bList = await s.portalCall('GET', parties(appB), { as: b });
      assert.equal(bList.statusCode, 200);
      assert.ok(!bList.body.includes(directorId) && !bList.body.includes(mainA));
      assert.deepEqual(await countRows(), before);
    });

    it('a read-only user lists parties and notes but every change is 403 read_only', async () => {
      const list = await s.portalCall('GET', parties(appA), { as: aReader });
      assert.equal(list.statusCode, 200);
      assert.ok(list.json().items.every((p: { editable: boolean }) => p.editable === false));
      assert.equal((await s.portalCall('GET', notes(appA), { as: aReader })).statusCode, 200);
      const v = (await partyOf(a, appA, directorId)).version;
      const before = await countRows();
      for (const [method, url, body] of [
        ['POST', parties(appA), { subject: director, roles: ['director'] }],
        ['PUT', `${parties(appA)}/${directorId}`, { version: v, subject: { familyName: 'X' } }],
        ['DELETE', `${parties(appA)}/${directorId}`, undefined],
        ['POST', notes(appA), { body: 'may I?' }],
      ] as [string, string, unknown][]) {
        const r = await s.portalCall(method, url, { as: aReader, ...(body !== undefined ? { body } : {}) });
        assert.equal(r.statusCode, 403, `${method} ${url}: ${r.body}`);
        assert.equal(r.json().reason, 'read_only');
      }
      assert.deepEqual(await countRows(), before);
    });

    it('a change without the CSRF token is 403 and changes nothing', async () => {
      const v = (await partyOf(a, appA, directorId)).version;
      const before = await countRows();
      for (const [method, url, body] of [
        ['POST', parties(appA), { subject: director, roles: ['director'] }],
        ['PUT', `${parties(appA)}/${directorId}`, { version: v, subject: { familyName: 'X' } }],
        ['DELETE', `${parties(appA)}/${directorId}`, undefined],
        ['POST', notes(appA), { body: 'hello' }],
      ] as [string, string, unknown][]) {
        const r = await s.portalCall(method, url, {
          cookie: a.cookie,
          ...(body !== undefined ? { body } : {}),
        });
        assert.equal(r.statusCode, 403, `${method} ${url}: ${r.body}`);
        assert.equal(r.json().reason, 'csrf');
        const wrong = await s.portalCall(method, url, {
          cookie: a.cookie,
          csrf: 'x'.repeat(43),
          ...(body !== undefined ? { body } : {}),
        });
        assert.equal(wrong.statusCode, 403);
      }
      assert.deepEqual(await countRows(), before);
      // Without a session at all: 401.
      assert.equal((await s.portalCall('GET', parties(appA))).statusCode, 401);
    });

    it('a client adding a person the firm already knows learns nothing: same answer as for a new person, a new subject', async () => {
      // The firm knows this person from B's application (another client).
      const known = await createPerson(s.t.ctx, {
        givenNames: 'Viktor',
        familyName: 'Lindqvist',
        dateOfBirth: '1980-05-05',
        identityDocuments: [{ type: 'passport', number: 'SE7744120', country: 'SE' }],
      });
      const r = await s.staffCall('POST', `/api/v1/applications/${appB}/subjects`, {
        subjectId: known.id,
        role: 'director',
      });
      assert.equal(r.statusCode, 201, r.body);

      const same = {
        kind: 'person',
        givenNames: 'Viktor',
        familyName: 'Lindqvist',
        dateOfBirth: '1980-05-05',
        nationalities: ['SE'],
        identityDocuments: [{ type: 'passport', number: 'SE7744120', country: 'SE' }],
      };
      const fresh = {
        ...same,
        givenNames: 'Ingrid',
        familyName: 'Holmgren',
        dateOfBirth: '1982-07-07',
        identityDocuments: [{ type: 'passport', number: 'SE1200456', country: 'SE' }],
      };
      const dup = await s.portalCall('POST', parties(appA), {
        as: a,
        body: { subject: same, roles: ['director'] },
      });
      const neu = await s.portalCall('POST', parties(appA), {
        as: a,
        body: { subject: fresh, roles: ['director'] },
      });
      assert.equal(dup.statusCode, 201, dup.body);
      assert.equal(neu.statusCode, 201, neu.body);
      assert.notEqual(dup.json().id, known.id, 'a new subject, never the known one');
      assert.deepEqual(Object.keys(dup.json()).sort(), Object.keys(neu.json()).sort());
      assert.deepEqual(Object.keys(dup.headers).sort(), Object.keys(neu.headers).sort());
      assert.ok(!dup.body.includes(known.id) && !/duplicate/i.test(dup.body));
      const strip = (v: Record<string, unknown>) => {
        const {
          id: _id,
          displayName: _n,
          givenNames: _g,
          familyName: _f,
          dateOfBirth: _d,
          addedAt: _a,
          ...rest
        } = v;
        return { ...rest, identityDocuments: (rest.identityDocuments as { number: string }[]).length };
      };
      assert.deepEqual(strip(json(dup)), strip(json(neu)));
      // The list shows the two as ordinary parties; nothing about the known one.
      const list = await s.portalCall('GET', parties(appA), { as: a });
      assert.ok(!list.body.includes(known.id));
      // Staff learn of the probable duplicate from the trail.
      assert.deepEqual((await partyAddedEvent(dup.json().id)).possibleDuplicates, [known.id]);
      assert.deepEqual((await partyAddedEvent(neu.json().id)).possibleDuplicates, []);
      // Both subjects exist: the known one untouched.
      const rows = await s.t.database.db
        .selectFrom('subjects')
        .select(['id', 'version'])
        .where('id', 'in', [known.id, dup.json().id])
        .execute();
      assert.equal(rows.length, 2);
      assert.equal(rows.find((x) => x.id === known.id)!.version, 1);
    });

    it('shared notes: an unshared note is invisible to the client, a shared one visible, unsharing hides it again', async () => {
      const staffNotes = `/api/v1/applications/${appA}/notes`;
      const internal = await s.staffCall('POST', staffNotes, {
        body: 'Internal: PEP hit on the UBO to clear',
      });
      assert.equal(internal.statusCode, 201);
      const visible = await s.staffCall('POST', staffNotes, {
        body: 'Please upload the 2024 annual accounts.',
        shared: true,
      });
      assert.equal(visible.statusCode, 201);
      const bodies = async (session: ClientSession) => {
        const r = await s.portalCall('GET', notes(appA), { as: session });
        assert.equal(r.statusCode, 200, r.body);
        return r;
      };
      let r = await bodies(a);
      assert.deepEqual(
        r.json().items.map((n: { body: string }) => n.body),
        ['Please upload the 2024 annual accounts.'],
      );
      const note = r.json().items[0];
      assert.deepEqual(Object.keys(note).sort(), ['author', 'body', 'createdAt', 'from', 'id']);
      assert.equal(note.from, 'case_officer');
      assert.equal(note.author, 'Case officer');
      assert.ok(!r.body.includes('api_key') && !r.body.includes('staff:'), 'no staff identity');
      assert.ok(!r.body.includes('PEP'));

      const on = await s.staffCall('POST', `${staffNotes}/${internal.json().id}/sharing`, { shared: true });
      assert.equal(on.statusCode, 200, on.body);
      r = await bodies(aReader);
      assert.equal(r.json().items.length, 2, 'shared: visible, to read-only users too');
      const off = await s.staffCall('POST', `${staffNotes}/${internal.json().id}/sharing`, { shared: false });
      assert.equal(off.statusCode, 200);
      r = await bodies(a);
      assert.deepEqual(
        r.json().items.map((n: { id: string }) => n.id),
        [visible.json().id],
      );
      // B never sees A's notes, shared or not.
      assert.equal((await s.portalCall('GET', notes(appA), { as: b })).statusCode, 404);
      assert.deepEqual((await s.portalCall('GET', notes(appB), { as: b })).json().items, []);
    });

    it('a client message reaches staff marked as from the client; it cannot be unshared; limits apply', async () => {
      const posted = await s.portalCall('POST', notes(appA), {
        as: a,
        body: { body: 'The accounts are attached.\nRegards' },
      });
      assert.equal(posted.statusCode, 201, posted.body);
      assert.equal(posted.json().from, 'client');
      assert.equal(posted.json().author, a.email.split('@')[0], "the client user's display name");
      const staffList = await s.staffCall('GET', `/api/v1/applications/${appA}/notes?limit=100`);
      const msg = staffList.json().items.find((n: { id: string }) => n.id === posted.json().id);
      assert.equal(msg.authorKind, 'client');
      assert.equal(msg.author, `client:${a.userId}`);
      assert.equal(msg.sharedWithClient, true);
      assert.equal(msg.body, 'The accounts are attached.\nRegards');
      const unshare = await s.staffCall('POST', `/api/v1/applications/${appA}/notes/${msg.id}/sharing`, {
        shared: false,
      });
      assert.equal(unshare.statusCode, 409);
      assert.equal(unshare.json().reason, 'client_message');
      const mine = await s.portalCall('GET', notes(appA), { as: aReader });
      assert.ok(
        mine.json().items.some((n: { id: string; from: string }) => n.id === msg.id && n.from === 'client'),
      );
      const event = await s.t.database.db
        .selectFrom('audit_events')
        .select(['actor', 'payload'])
        .where('type', '=', 'application.client_message_added')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(event.actor, `client:${a.userId}`);
      assert.deepEqual(event.payload, { noteId: msg.id, length: 34 });

      const before = await countRows();
      for (const body of [
        { body: 'x'.repeat(4001) },
        { body: '' },
        { body: '  \n ' },
        { body: 'hidden \u202Etext' },
        { body: 'ok', shared: false },
        {},
      ]) {
        const r = await s.portalCall('POST', notes(appA), { as: a, body });
        assert.equal(r.statusCode, 400, `${JSON.stringify(body).slice(0, 40)}: ${r.body}`);
      }
      assert.equal(
        (await s.portalCall('POST', notes(appA), { as: a, body: { body: 'y'.repeat(4000) } })).statusCode,
        201,
      );
      assert.equal((await countRows()).notes, before.notes + 1);
    });

    it('an approved application, or one with a decision pending, accepts no party change (409) but is still listed', async () => {
      const company = await createCompany(s.t.ctx);
      const app = (await makeApplication(s.t.ctx, { applicantId: company.id })).id;
      await s.staffCall('PUT', `/api/v1/applications/${app}/client-organisation`, {
        organisationId: a.organisationId,
      });
      const added = await s.portalCall('POST', parties(app), {
        as: a,
        body: { subject: director, roles: ['director'] },
      });
      assert.equal(added.statusCode, 201, added.body);
      for (const to of ['in_review', 'approved']) {
        const t = await s.staffCall('POST', `/api/v1/applications/${app}/transitions`, { to });
        assert.equal(t.statusCode, 200, t.body);
      }
      const list = await s.portalCall('GET', parties(app), { as: a });
      assert.deepEqual(list.json().changes, { allowed: false, reason: 'application_closed' });
      assert.ok(list.json().items.every((p: { editable: boolean }) => !p.editable));
      const before = await countRows();
      const tries: [string, string, unknown][] = [
        ['POST', parties(app), { subject: ubo, roles: ['ubo'] }],
        ['PUT', `${parties(app)}/${added.json().id}`, { version: 1, subject: { familyName: 'X' } }],
        ['DELETE', `${parties(app)}/${added.json().id}`, undefined],
      ];
      for (const [method, url, body] of tries) {
        const r = await s.portalCall(method, url, { as: a, ...(body !== undefined ? { body } : {}) });
        assert.equal(r.statusCode, 409, `${method} ${url}: ${r.body}`);
        assert.equal(r.json().reason, 'application_closed');
      }
      assert.deepEqual(await countRows(), before);
      // Messages are still possible on a closed application.
      assert.equal(
        (await s.portalCall('POST', notes(app), { as: a, body: { body: 'Thank you' } })).statusCode,
        201,
      );

      // A four-eyes approval prepared and awaiting confirmation: no change while it is pending.
      const programme = await makeProgramme(s.t.ctx, {
        statuses: defaultStatusMachine().statuses,
        transitions: [
          { from: 'draft', to: 'in_review' },
          { from: 'in_review', to: 'approved', fourEyes: true },
        ],
      });
      const ruled = (
        await makeApplication(s.t.ctx, {
          programmeId: programme.id,
          applicantId: (await createCompany(s.t.ctx)).id,
        })
      ).id;
      await s.staffCall('PUT', `/api/v1/applications/${ruled}/client-organisation`, {
        organisationId: a.organisationId,
      });
      assert.equal(
        (await s.staffCall('POST', `/api/v1/applications/${ruled}/transitions`, { to: 'in_review' }))
          .statusCode,
        200,
      );
      const inReview = await s.portalCall('POST', parties(ruled), {
        as: a,
        body: { subject: ubo, roles: ['ubo'] },
      });
      assert.equal(inReview.statusCode, 201, 'in review, nothing pending: changes accepted');
      const prepared = await s.staffCall('POST', `/api/v1/applications/${ruled}/transitions`, {
        to: 'approved',
      });
      assert.equal(prepared.statusCode, 202, prepared.body);
      const pending = await s.portalCall('DELETE', `${parties(ruled)}/${inReview.json().id}`, { as: a });
      assert.equal(pending.statusCode, 409);
      assert.equal(pending.json().reason, 'decision_pending');
      assert.deepEqual((await s.portalCall('GET', parties(ruled), { as: a })).json().changes, {
        allowed: false,
        reason: 'decision_pending',
      });
    });
  });
}
