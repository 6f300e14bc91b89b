import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import {
  createCompany,
  createPerson,
  createShareholding,
  leiFor,
} from '../../../../test/support/factories-subjects.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const PASSPORT = 'ZP4419077';

const person = (extra: Record<string, unknown> = {}) => ({
  kind: 'person',
  givenNames: 'Mary',
  middleNames: 'Somerville',
  familyName: 'Fairfax',
  dateOfBirth: '1980-12-26',
  placeOfBirth: 'Jedburgh',
  gender: 'female',
  nationalities: ['GB', 'IE'],
  addresses: [
    {
      type: 'residential',
      lines: ['1 Chelsea Walk'],
      city: 'London',
      postcode: 'SW3 5HA',
      region: 'Greater London',
      country: 'GB',
    },
  ],
  identityDocuments: [
    { type: 'passport', number: PASSPORT, country: 'GB', issuedOn: '2019-03-01', expiresOn: '2029-03-01' },
  ],
  contact: { emails: ['mary@example.org'], phones: ['+441632960000'] },
  ...extra,
});

for (const backend of backends) {
  describe(`subjects routes [${backend.kind}]`, () => {
    let t: TestApp;
    let readOnly: string;
    before(async () => {
      t = await startTestApp(backend);
      readOnly = await t.tokenWith(['subject:read']);
    });
    after(() => t.close());

    it('401 without credentials and 403 without the right, on every route', async () => {
      const company = await createCompany(t.ctx);
      const routes: [string, string, unknown, 'subject:read' | 'subject:write'][] = [
        ['GET', '/api/v1/subjects', undefined, 'subject:read'],
        ['POST', '/api/v1/subjects', person(), 'subject:write'],
        ['GET', `/api/v1/subjects/${company.id}`, undefined, 'subject:read'],
        ['PATCH', `/api/v1/subjects/${company.id}`, { version: 1, legalForm: 'SARL' }, 'subject:write'],
        ['GET', `/api/v1/subjects/${company.id}/relationships`, undefined, 'subject:read'],
        ['GET', `/api/v1/subjects/${company.id}/ownership`, undefined, 'subject:read'],
        [
          'POST',
          '/api/v1/relationships',
          { fromSubjectId: UNKNOWN, toSubjectId: company.id, kind: 'director' },
          'subject:write',
        ],
        ['DELETE', `/api/v1/relationships/${UNKNOWN}`, undefined, 'subject:write'],
      ];
      for (const [method, url, body, right] of routes) {
        const anon = await t.call(method, url, { token: null, body });
        assert.equal(anon.statusCode, 401, `${method} ${url}`);
        const none = await t.call(method, url, { token: t.noRightsToken, body });
        assert.equal(none.statusCode, 403, `${method} ${url}`);
        assert.equal(none.json().code, 'forbidden');
        if (right === 'subject:write')
          assert.equal(
            (await t.call(method, url, { token: readOnly, body })).statusCode,
            403,
            `${method} ${url} read-only`,
          );
      }
      const denied = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'access.denied')
        .execute();
      assert.ok(
        denied.some((d) => (d.payload as { route: string }).route === '/api/v1/subjects/:id/ownership'),
      );
      assert.equal(
        (await t.call('GET', `/api/v1/subjects/${company.id}`)).json().version,
        1,
        'nothing changed',
      );
    });

    it('POST /subjects creates a person, masks the document number, audits; the number is stored nowhere in plaintext', async () => {
      const res = await t.call('POST', '/api/v1/subjects', { body: person() });
      assert.equal(res.statusCode, 201);
      const { subject } = res.json();
      assert.equal(subject.displayName, 'Mary Somerville Fairfax');
      assert.deepEqual(subject.addresses, person().addresses);
      assert.deepEqual(subject.contact, person().contact);
      assert.deepEqual(subject.nationalities, ['GB', 'IE']);
      assert.equal(subject.identityDocuments[0].number, '••••9077');
      assert.equal(subject.identityDocuments[0].masked, true);
      assert.equal(subject.identityDocuments[0].expiresOn, '2029-03-01');
      assert.ok(!res.body.includes(PASSPORT));

      const rows = await t.database.db
        .selectFrom('subjects')
        .selectAll()
        .where('id', '=', subject.id)
        .execute();
      const ids = await t.database.db
        .selectFrom('subject_identifiers')
        .selectAll()
        .where('subject_id', '=', subject.id)
        .execute();
      const audit = await t.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('target_id', '=', subject.id)
        .execute();
      assert.equal(rows.length, 1);
      assert.equal(ids.length, 1);
      assert.deepEqual(
        audit.map((a) => a.type),
        ['subject.created'],
      );
      assert.equal(audit[0]!.request_id, res.headers['x-request-id']);
      const stored =
        JSON.stringify([rows, audit]) +
        ids
          .map(
            (i) => Buffer.from(i.value_enc).toString('latin1') + Buffer.from(i.value_bidx).toString('latin1'),
          )
          .join();
      assert.ok(!stored.includes(PASSPORT) && !stored.includes('4419077'));
    });

    it('POST /subjects creates an entity (LEI, US-DE jurisdiction, tax id)', async () => {
      const lei = leiFor('5493001RELATIONS00');
      const res = await t.call('POST', '/api/v1/subjects', {
        body: {
          kind: 'entity',
          registeredName: 'Difference Engine Inc.',
          tradingNames: ['DiffEng'],
          registrationNumber: '7012345',
          jurisdiction: 'US-DE',
          incorporationDate: '2015-03-04',
          legalForm: 'Corporation',
          lei,
          addresses: [
            { type: 'registered', lines: ['251 Little Falls Drive'], city: 'Wilmington', country: 'US' },
          ],
          identityDocuments: [{ type: 'tax_id', number: '12-3456789', country: 'US' }],
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { subject } = res.json();
      assert.equal(subject.kind, 'entity');
      assert.equal(subject.lei, lei);
      assert.equal(subject.jurisdiction, 'US-DE');
      assert.deepEqual(subject.tradingNames, ['DiffEng']);
      assert.equal(subject.identityDocuments[0].number, '••••6789');
      assert.equal(subject.givenNames, undefined);
    });

    it('POST /subjects: 400 for bad input, unknown fields at any depth, broken business rules', async () => {
      const cases: [unknown, string][] = [
        [person({ admin: true }), 'body/admin'],
        [person({ addresses: [{ ...person().addresses[0], geo: 'x' }] }), 'body/addresses/0/geo'],
        [person({ contact: { emails: [], fax: '1' } }), 'body/contact/fax'],
        [
          person({ identityDocuments: [{ type: 'passport', number: 'A1', country: 'GB', secret: 1 }] }),
          'body/identityDocuments/0/secret',
        ],
        [person({ nationalities: ['gb'] }), 'body/nationalities/0'],
        [person({ nationalities: ['GB', 'GB'] }), 'body/nationalities'],
        [person({ contact: { phones: ['01632 960000'] } }), 'body/contact/phones/0'],
        [person({ dateOfBirth: '1980-02-30' }), 'body/dateOfBirth'],
        [person({ kind: 'robot' }), 'body/kind'],
        [
          {
            kind: 'entity',
            registeredName: 'X',
            registrationNumber: '1',
            jurisdiction: 'LU',
            incorporationDate: '2001-01-01',
            givenNames: 'x',
          },
          'body/givenNames',
        ],
        [person({ dateOfBirth: '2999-01-01' }), 'dateOfBirth'],
        [person({ nationalities: ['UK'] }), 'nationalities/0'],
        [
          person({
            identityDocuments: [
              {
                type: 'passport',
                number: 'A1',
                country: 'GB',
                issuedOn: '2020-01-01',
                expiresOn: '2019-01-01',
              },
            ],
          }),
          'identityDocuments/0/expiresOn',
        ],
        [
          {
            kind: 'entity',
            registeredName: 'X',
            registrationNumber: '1',
            jurisdiction: 'LU',
            incorporationDate: '2001-01-01',
            lei: 'HWUPKR0MPOU8FGXBT395',
          },
          'lei',
        ],
        [
          {
            kind: 'entity',
            registeredName: 'X',
            registrationNumber: '1',
            jurisdiction: 'ZZ',
            incorporationDate: '2001-01-01',
          },
          'jurisdiction',
        ],
        [
          {
            kind: 'entity',
            registeredName: 'X',
            registrationNumber: '1',
            jurisdiction: 'LU',
            incorporationDate: '2001-01-01',
            identityDocuments: [{ type: 'passport', number: 'A1', country: 'LU' }],
          },
          'body/identityDocuments/0/type',
        ],
      ];
      for (const [body, path] of cases) {
        const res = await t.call('POST', '/api/v1/subjects', { body });
        assert.equal(res.statusCode, 400, `${path}: ${res.body}`);
        assert.equal(res.json().code, 'validation');
        assert.ok(
          res.json().errors.some((e: { path: string }) => e.path === path),
          `${path} not in ${JSON.stringify(res.json().errors)}`,
        );
      }
    });

    it('POST /subjects: 409 probable_duplicate lists the duplicates; ignoreDuplicates creates and audits them', async () => {
      const first = await createPerson(t.ctx, {
        givenNames: 'Charles',
        familyName: 'Babbage',
        dateOfBirth: '1971-12-26',
      });
      const body = {
        kind: 'person',
        givenNames: 'Charles',
        familyName: 'Babbage',
        dateOfBirth: '1971-12-26',
      };
      const dup = await t.call('POST', '/api/v1/subjects', { body });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().code, 'probable_duplicate');
      assert.deepEqual(dup.json().duplicates, [
        { id: first.id, kind: 'person', displayName: 'Charles Babbage', reasons: ['name_and_date_of_birth'] },
      ]);
      const ok = await t.call('POST', '/api/v1/subjects', { body: { ...body, ignoreDuplicates: true } });
      assert.equal(ok.statusCode, 201);
      const ev = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('target_id', '=', ok.json().subject.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual((ev.payload as { ignoredDuplicates: string[] }).ignoredDuplicates, [first.id]);
    });

    it('GET /subjects/:id masks by default, reveals on request; 404 unknown, 400 malformed', async () => {
      const p = await createPerson(t.ctx, {
        dateOfBirth: '1961-07-04',
        identityDocuments: [{ type: 'national_id', number: 'NID-000-777-321', country: 'BE' }],
      });
      const masked = await t.call('GET', `/api/v1/subjects/${p.id}`, { token: readOnly });
      assert.equal(masked.statusCode, 200);
      assert.equal(masked.json().identityDocuments[0].number, '••••7321');
      assert.equal(masked.json().dateOfBirth, '1961-**-**');
      assert.deepEqual(masked.json().masked, ['dateOfBirth', 'identityDocuments.number']);
      assert.deepEqual(masked.json().abilities, { reveal: false, edit: false });
      assert.equal(masked.json().contact.emails.length, 1);
      const refused = await t.call('GET', `/api/v1/subjects/${p.id}?reveal=true`, { token: readOnly });
      assert.equal(refused.statusCode, 403, 'subject:read alone does not reveal identifiers');
      assert.doesNotMatch(refused.body, /NID-000-777-321|1961-07-04/);
      const revealer = await t.tokenWith(['subject:read', 'subject:reveal-identifiers']);
      const stillMasked = await t.call('GET', `/api/v1/subjects/${p.id}`, { token: revealer });
      assert.equal(stillMasked.json().dateOfBirth, '1961-**-**', 'masked unless asked, even for the holder');
      assert.deepEqual(stillMasked.json().abilities, { reveal: true, edit: false });
      const revealed = await t.call('GET', `/api/v1/subjects/${p.id}?reveal=true`, {
        token: revealer,
      });
      assert.equal(revealed.json().identityDocuments[0].number, 'NID-000-777-321');
      assert.equal(revealed.json().identityDocuments[0].masked, false);
      assert.equal(revealed.json().dateOfBirth, '1961-07-04');
      assert.deepEqual(revealed.json().masked, []);
      const reveals = await t.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('type', '=', 'subject.sensitive_fields_revealed')
        .where('target_id', '=', p.id)
        .execute();
      assert.equal(reveals.length, 1, 'each reveal is audited');
      assert.deepEqual(reveals[0]!.payload, {
        subjectIds: [p.id],
        fields: ['dateOfBirth', 'identityDocuments.number'],
      });
      assert.doesNotMatch(JSON.stringify(reveals[0]!.payload), /NID-000-777-321|7321|1961-07-04/);
      assert.equal((await t.call('GET', `/api/v1/subjects/${UNKNOWN}`)).statusCode, 404);
      assert.equal((await t.call('GET', '/api/v1/subjects/nope')).statusCode, 400);
      assert.equal((await t.call('GET', `/api/v1/subjects/${p.id}?reveal=all`)).statusCode, 400);
      assert.equal((await t.call('GET', `/api/v1/subjects/${p.id}?reveal=identifiers`)).statusCode, 400);
      assert.equal((await t.call('GET', `/api/v1/subjects/${p.id}?debug=1`)).statusCode, 400);
    });

    it('GET /subjects filters by kind and name, and pages with a cursor', async () => {
      await createPerson(t.ctx, { givenNames: 'Hélène', familyName: 'Quörum-Zeta' });
      await createPerson(t.ctx, {
        givenNames: 'Helene',
        familyName: 'Quorum Zetas',
        dateOfBirth: '1990-01-01',
      });
      await createCompany(t.ctx, { registeredName: 'Quorum Zeta Holdings' });
      const found = await t.call(
        'GET',
        `/api/v1/subjects?q=${encodeURIComponent('quorum ZET')}&kind=person`,
        { token: readOnly },
      );
      assert.equal(found.statusCode, 200);
      assert.deepEqual(
        found.json().items.map((s: { displayName: string }) => s.displayName),
        ['Hélène Quörum-Zeta', 'Helene Quorum Zetas'],
      );
      assert.equal(found.json().items[0].dateOfBirth !== null, true);
      const entities = await t.call('GET', '/api/v1/subjects?q=quorum&kind=entity');
      assert.deepEqual(
        entities.json().items.map((s: { displayName: string }) => s.displayName),
        ['Quorum Zeta Holdings'],
      );

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = (
          await t.call('GET', `/api/v1/subjects?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor;
      } while (cursor);
      const total = await t.database.db.selectFrom('subjects').select('id').execute();
      assert.equal(seen.length, total.length);
      assert.equal(new Set(seen).size, seen.length);

      for (const q of ['kind=robot', 'limit=0', 'limit=500', 'cursor=%3D%3D', 'cursor=abc', 'sort=name']) {
        assert.equal((await t.call('GET', `/api/v1/subjects?${q}`)).statusCode, 400, q);
      }
    });

    it('PATCH /subjects/:id updates, 409 on a stale version, 400 on unknown or foreign fields, 404 unknown', async () => {
      const p = await createPerson(t.ctx);
      const res = await t.call('PATCH', `/api/v1/subjects/${p.id}`, {
        body: {
          version: 1,
          fullName: 'Ada King, Countess of Lovelace',
          addresses: [],
          identityDocuments: [],
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().version, 2);
      assert.equal(res.json().displayName, 'Ada King, Countess of Lovelace');
      assert.deepEqual(res.json().identityDocuments, []);
      assert.equal(
        (
          await t.database.db
            .selectFrom('subject_identifiers')
            .select('id')
            .where('subject_id', '=', p.id)
            .execute()
        ).length,
        0,
      );
      const ev = await t.database.db
        .selectFrom('audit_events')
        .select(['type', 'payload'])
        .where('target_id', '=', p.id)
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(ev, {
        type: 'subject.updated',
        payload: { fields: ['addresses', 'fullName', 'identityDocuments'], version: 2 },
      });

      const stale = await t.call('PATCH', `/api/v1/subjects/${p.id}`, {
        body: { version: 1, gender: 'female' },
      });
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'version_conflict');
      for (const [body, path] of [
        [{ version: 2, admin: true }, 'body/admin'],
        [{ version: 2, contact: { emails: [], pager: 'x' } }, 'body/contact/pager'],
        [{ givenNames: 'x' }, 'body'],
        [{ version: 2, registeredName: 'X' }, 'registeredName'],
        [{ version: 2, dateOfBirth: '2999-01-01' }, 'dateOfBirth'],
      ] as const) {
        const bad = await t.call('PATCH', `/api/v1/subjects/${p.id}`, { body });
        assert.equal(bad.statusCode, 400, path);
        assert.ok(
          bad.json().errors.some((e: { path: string }) => e.path === path),
          `${path}: ${bad.body}`,
        );
      }
      assert.equal(
        (await t.call('PATCH', `/api/v1/subjects/${UNKNOWN}`, { body: { version: 1 } })).statusCode,
        404,
      );
      assert.equal((await t.call('PATCH', '/api/v1/subjects/x', { body: { version: 1 } })).statusCode, 400);
    });

    it('relationships: create, list both ways, refuse bad links, delete', async () => {
      const co = await createCompany(t.ctx, { registeredName: 'Jacquard Looms SA' });
      const parent = await createCompany(t.ctx, { registeredName: 'Jacquard Group SA' });
      const dir = await createPerson(t.ctx, { givenNames: 'Joseph', familyName: 'Jacquard' });

      const created = await t.call('POST', '/api/v1/relationships', {
        body: {
          fromSubjectId: parent.id,
          toSubjectId: co.id,
          kind: 'shareholder',
          sharePct: 75.5,
          votingPct: 80,
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().sharePct, 75.5);
      assert.equal(created.json().votingPct, 80);
      const director = await t.call('POST', '/api/v1/relationships', {
        body: { fromSubjectId: dir.id, toSubjectId: co.id, kind: 'director', title: 'CEO' },
      });
      assert.equal(director.statusCode, 201);
      const ev = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('target_id', '=', created.json().id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(ev.payload, {
        from: parent.id,
        to: co.id,
        kind: 'shareholder',
        sharePct: 75.5,
        votingPct: 80,
      });

      const list = await t.call('GET', `/api/v1/subjects/${co.id}/relationships`, { token: readOnly });
      assert.equal(list.statusCode, 200);
      assert.deepEqual(
        list
          .json()
          .items.map((r: { kind: string; direction: string; counterpart: { displayName: string } }) => [
            r.kind,
            r.direction,
            r.counterpart.displayName,
          ]),
        [
          ['shareholder', 'incoming', 'Jacquard Group SA'],
          ['director', 'incoming', 'Joseph Jacquard'],
        ],
      );
      const fromDir = await t.call('GET', `/api/v1/subjects/${dir.id}/relationships`);
      assert.deepEqual(
        fromDir.json().items.map((r: { direction: string; title: string }) => [r.direction, r.title]),
        [['outgoing', 'CEO']],
      );
      assert.equal((await t.call('GET', `/api/v1/subjects/${UNKNOWN}/relationships`)).statusCode, 404);
      assert.equal((await t.call('GET', '/api/v1/subjects/x/relationships')).statusCode, 400);

      const post = (body: Record<string, unknown>) => t.call('POST', '/api/v1/relationships', { body });
      const base = { fromSubjectId: dir.id, toSubjectId: co.id };
      for (const [body, status] of [
        [{ ...base, kind: 'shareholder', sharePct: 10, extra: 1 }, 400],
        [{ ...base, kind: 'chairman' }, 400],
        [{ ...base, kind: 'shareholder' }, 400],
        [{ ...base, kind: 'shareholder', sharePct: 0 }, 400],
        [{ ...base, kind: 'shareholder', sharePct: 100.5 }, 400],
        [{ ...base, kind: 'signatory', sharePct: 10 }, 400],
        [{ ...base, kind: 'director', fromSubjectId: co.id }, 400],
        [{ fromSubjectId: co.id, toSubjectId: dir.id, kind: 'director' }, 400],
        [{ ...base, kind: 'ubo', fromSubjectId: parent.id }, 400],
        [{ ...base, kind: 'director', fromSubjectId: 'x' }, 400],
        [{ ...base, kind: 'director', fromSubjectId: UNKNOWN }, 404],
        [{ ...base, kind: 'director', toSubjectId: UNKNOWN }, 404],
        [{ ...base, kind: 'director' }, 409],
        [{ ...base, kind: 'shareholder', sharePct: 24.5001 }, 409],
      ] as const) {
        const res = await post(body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      }
      assert.equal(
        (await post({ ...base, kind: 'shareholder', sharePct: 24.5 })).statusCode,
        201,
        'exactly 100% is allowed',
      );

      const del = await t.call('DELETE', `/api/v1/relationships/${director.json().id}`);
      assert.equal(del.statusCode, 200);
      assert.equal(del.json().kind, 'director');
      assert.equal((await t.call('DELETE', `/api/v1/relationships/${director.json().id}`)).statusCode, 404);
      assert.equal((await t.call('DELETE', '/api/v1/relationships/x')).statusCode, 400);
      const types = await t.database.db
        .selectFrom('audit_events')
        .select('type')
        .where('target_id', '=', director.json().id)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        types.map((r) => r.type),
        ['relationship.created', 'relationship.deleted'],
      );
    });

    it('GET /subjects/:id/ownership computes effective ownership, UBO candidates and cycles', async () => {
      const target = await createCompany(t.ctx, { registeredName: 'Target AG' });
      const b = await createCompany(t.ctx, { registeredName: 'Bridge AG' });
      const a = await createPerson(t.ctx, { givenNames: 'Anna', familyName: 'Owner' });
      const z = await createPerson(t.ctx, { givenNames: 'Zed', familyName: 'Minor' });
      await createShareholding(t.ctx, b, target, 50);
      await createShareholding(t.ctx, a, b, 60);
      await createShareholding(t.ctx, z, target, 24.99);
      await createShareholding(t.ctx, target, b, 10);

      const res = await t.call('GET', `/api/v1/subjects/${target.id}/ownership`, { token: readOnly });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.threshold, 25);
      assert.deepEqual(
        body.owners.map(
          (o: {
            displayName: string;
            kind: string;
            directPct: number;
            effectivePct: number;
            paths: string[][];
          }) => [o.displayName, o.kind, o.directPct, o.effectivePct, o.paths],
        ),
        [
          ['Bridge AG', 'entity', 50, 50, [[b.id, target.id]]],
          ['Anna Owner', 'person', 0, 30, [[a.id, b.id, target.id]]],
          ['Zed Minor', 'person', 24.99, 24.99, [[z.id, target.id]]],
        ],
      );
      assert.deepEqual(body.uboCandidates, [
        {
          subjectId: a.id,
          hidden: false,
          displayName: 'Anna Owner',
          effectivePct: 30,
          effectiveVotingPct: 30,
          reasons: ['effective_ownership', 'effective_voting'],
        },
      ]);
      assert.deepEqual(body.cycles, [[b.id, target.id].sort()]);
      assert.equal(body.truncated, false);

      const low = (await t.call('GET', `/api/v1/subjects/${target.id}/ownership?threshold=24.99`)).json();
      assert.deepEqual(
        low.uboCandidates.map((c: { subjectId: string }) => c.subjectId),
        [a.id, z.id],
      );
      assert.equal(low.threshold, 24.99);

      // The programme's threshold, when the ownership is read for a programme.
      const programme = await t.call('POST', '/api/v1/programmes', {
        body: { name: 'Strict 10%', allowedEntityTypes: ['entity'], uboThreshold: 10 },
      });
      assert.equal(programme.statusCode, 201, programme.body);
      const strict = (
        await t.call('GET', `/api/v1/subjects/${target.id}/ownership?programmeId=${programme.json().id}`)
      ).json();
      assert.equal(strict.threshold, 10);
      assert.deepEqual(
        strict.uboCandidates.map((c: { subjectId: string }) => c.subjectId).sort(),
        [a.id, z.id].sort(),
      );
      const both = await t.call(
        'GET',
        `/api/v1/subjects/${target.id}/ownership?programmeId=${programme.json().id}&threshold=5`,
      );
      assert.equal(both.statusCode, 400);
      assert.equal(
        (await t.call('GET', `/api/v1/subjects/${target.id}/ownership?programmeId=${UNKNOWN}`)).statusCode,
        400,
      );
      for (const q of ['threshold=0', 'threshold=100.1', 'threshold=abc', 'depth=3']) {
        assert.equal(
          (await t.call('GET', `/api/v1/subjects/${target.id}/ownership?${q}`)).statusCode,
          400,
          q,
        );
      }
      assert.equal((await t.call('GET', `/api/v1/subjects/${UNKNOWN}/ownership`)).statusCode, 404);
      assert.equal((await t.call('GET', '/api/v1/subjects/x/ownership')).statusCode, 400);
    });

    it('documents the routes in the OpenAPI description', async () => {
      const res = await t.call('GET', '/api/docs/json', { token: null });
      assert.equal(res.statusCode, 200);
      const paths = Object.keys(res.json().paths);
      for (const p of [
        '/api/v1/subjects',
        '/api/v1/subjects/{id}',
        '/api/v1/subjects/{id}/ownership',
        '/api/v1/relationships/{id}',
      ])
        assert.ok(paths.includes(p), p);
    });
  });
}
