import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { browser, controlClock, createStaff, signInWithTotp } from '../../../../test/support/auth.ts';
import { auditOf, makeProgramme } from '../../../../test/support/factories-applications.ts';
import { kycForm } from '../../../modules/forms/definition/form-fixtures.ts';
import { createForm } from '../../../modules/forms/index.ts';
import { defaultContent } from '../../../modules/programme-config/index.ts';
import { setProgrammeMembers } from '../../../modules/programmes/index.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const DOCUMENT_TYPES = [
  { code: 'passport', label: 'Passport', appliesTo: ['person' as const] },
  { code: 'national_id', label: 'National ID', appliesTo: ['person' as const] },
  { code: 'proof_of_address', label: 'Proof of address', appliesTo: ['person' as const] },
  {
    code: 'financial_statement',
    label: 'Financial statement',
    appliesTo: ['person' as const, 'entity' as const],
  },
  { code: 'registry_extract', label: 'Registry extract', appliesTo: ['entity' as const] },
];

/** The defaults with one country's risk raised: a valid draft that differs from the defaults. */
function raisedContent(country = 'FR', points = 80) {
  const content = structuredClone(defaultContent()) as unknown as {
    riskModel: { tables: { countryRisk: { entries: Record<string, number> } } };
  };
  content.riskModel.tables.countryRisk.entries[country] = points;
  return content;
}

for (const backend of backends) {
  describe(`programme configuration routes [${backend.kind}]`, () => {
    let t: TestApp;
    let programmeId: string;
    let otherId: string;

    const url = (id: string, rest = '') => `/api/v1/programmes/${id}/configuration${rest}`;
    const rows = async (id: string) =>
      t.database.db
        .selectFrom('programme_configurations')
        .selectAll()
        .where('programme_id', '=', id)
        .orderBy('version')
        .execute();

    const makeConfigured = async () => {
      const p = await makeProgramme(t.ctx, { documentTypes: DOCUMENT_TYPES });
      await createForm(t.ctx, {
        programmeId: p.id,
        key: 'kyc',
        title: 'KYC',
        definition: { ...kycForm(), key: 'kyc' },
      });
      return p.id;
    };

    before(async () => {
      t = await startTestApp(backend);
      programmeId = await makeConfigured();
      otherId = await makeConfigured();
    });
    after(() => t.close());

    it('401 without credentials on every route', async () => {
      for (const [method, path] of [
        ['GET', ''],
        ['GET', '/versions'],
        ['GET', '/versions/1'],
        ['GET', '/draft'],
        ['PUT', '/draft'],
        ['DELETE', '/draft'],
        ['POST', '/publish'],
        ['GET', '/diff?from=draft&to=current'],
        ['GET', '/export'],
        ['POST', '/import'],
      ] as const) {
        const res = await t.call(method, url(UNKNOWN, path), {
          token: null,
          ...(method === 'PUT' || method === 'POST' ? { body: {} } : {}),
        });
        assert.equal(res.statusCode, 401, `${method} ${path}`);
      }
    });

    it('without anything published, the defaults are in force (source "default")', async () => {
      const res = await t.call('GET', url(programmeId));
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.source, 'default');
      assert.equal(body.version, null);
      assert.equal(body.draft, null);
      assert.match(body.contentHash, /^[0-9a-f]{64}$/);
      assert.deepEqual(body.content, JSON.parse(JSON.stringify(defaultContent())));
      assert.equal((await t.call('GET', url(programmeId, '/draft'))).statusCode, 404);
      assert.deepEqual((await t.call('GET', url(programmeId, '/versions'))).json().items, []);
    });

    it('an invalid draft is a 400 with part-prefixed paths, and nothing is stored', async () => {
      const content = raisedContent() as unknown as Record<string, unknown>;
      (content['riskModel'] as Record<string, unknown>)['categories'] = 'nope';
      const requirements = content['requirements'] as { requirements: { formKey?: string }[] };
      requirements.requirements.find((r) => r.formKey === 'kyc')!.formKey = 'no-such-form';
      content['reviewPolicy'] = {
        ...(content['reviewPolicy'] as object),
        cadence: { prohibited: { months: 1 } },
      };
      const res = await t.call('PUT', url(programmeId, '/draft'), { body: { content } });
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json();
      assert.equal(body.reason, 'invalid_configuration');
      const paths = (body.errors as { path: string }[]).map((e) => e.path);
      assert.ok(
        paths.some((p) => p.startsWith('/riskModel/')),
        paths.join(),
      );
      assert.ok(
        paths.some((p) => p.startsWith('/requirements/')),
        paths.join(),
      );
      assert.ok(
        paths.some((p) => p.startsWith('/reviewPolicy/')),
        paths.join(),
      );
      assert.equal((await rows(programmeId)).length, 0);
      // Unknown top-level parts are refused by the schema.
      const extra = await t.call('PUT', url(programmeId, '/draft'), {
        body: { content: { ...raisedContent(), statuses: [] } },
      });
      assert.equal(extra.statusCode, 400);
      assert.equal((await rows(programmeId)).length, 0);
    });

    let draftHash: string;

    it('saves a valid draft, diffs it against the defaults, a second save replaces it', async () => {
      const first = await t.call('PUT', url(programmeId, '/draft'), {
        body: { content: raisedContent('FR', 70), note: 'first' },
      });
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().state, 'draft');
      assert.equal(first.json().version, 1);
      const second = await t.call('PUT', url(programmeId, '/draft'), {
        body: { content: raisedContent('FR', 80), note: 'second' },
      });
      assert.equal(second.statusCode, 200, second.body);
      assert.equal(second.json().version, 1);
      assert.equal(second.json().id, first.json().id);
      assert.notEqual(second.json().contentHash, first.json().contentHash);
      draftHash = second.json().contentHash;
      const stored = await rows(programmeId);
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.note, 'second');

      const diff = await t.call('GET', url(programmeId, '/diff?from=current&to=draft'));
      assert.equal(diff.statusCode, 200, diff.body);
      const d = diff.json();
      assert.equal(d.from.source, 'default');
      assert.equal(d.to.source, 'draft');
      assert.equal(d.equal, false);
      assert.equal(d.riskModel.length, 1);
      assert.match(d.riskModel[0].path, /FR/);
      assert.equal(d.requirements.same, true);
      assert.equal(d.reviewPolicy.equal, true);
      // Without from and to: what publishing the draft would change.
      assert.deepEqual((await t.call('GET', url(programmeId, '/diff'))).json(), d);
      const same = await t.call('GET', url(programmeId, '/diff?from=default&to=current'));
      assert.equal(same.json().equal, true);
      assert.equal((await t.call('GET', url(programmeId, '/diff?from=7&to=draft'))).statusCode, 404);
      assert.equal((await t.call('GET', url(programmeId, '/diff?from=x&to=draft'))).statusCode, 400);
    });

    it('publishing needs the hash that was previewed: a stale hash is a 409, nothing published', async () => {
      const stale = await t.call('POST', url(programmeId, '/publish'), {
        body: { expectedHash: '0'.repeat(64) },
      });
      assert.equal(stale.statusCode, 409, stale.body);
      assert.equal(stale.json().reason, 'stale_draft');
      assert.equal(stale.json().contentHash, draftHash);
      assert.equal((await rows(programmeId))[0]!.state, 'draft');

      const ok = await t.call('POST', url(programmeId, '/publish'), { body: { expectedHash: draftHash } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().state, 'published');
      assert.equal(ok.json().version, 1);
      assert.equal(ok.json().contentHash, draftHash);

      const effective = (await t.call('GET', url(programmeId))).json();
      assert.equal(effective.source, 'published');
      assert.equal(effective.version, 1);
      assert.equal(effective.contentHash, draftHash);
      assert.equal(effective.draft, null);

      const again = await t.call('POST', url(programmeId, '/publish'), { body: { expectedHash: draftHash } });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().reason, 'no_draft');

      // The next draft takes the next number; discarding it leaves version 1 in force.
      const next = await t.call('PUT', url(programmeId, '/draft'), {
        body: { content: raisedContent('DE', 90) },
      });
      assert.equal(next.json().version, 2);
      const diff = (await t.call('GET', url(programmeId, '/diff?from=1&to=draft'))).json();
      assert.equal(diff.from.source, 'published');
      // FR back to its default, DE raised.
      assert.equal(diff.riskModel.length, 2);
      assert.equal((await t.call('DELETE', url(programmeId, '/draft'))).statusCode, 204);
      assert.equal((await t.call('DELETE', url(programmeId, '/draft'))).statusCode, 404);
      const versions = (await t.call('GET', url(programmeId, '/versions'))).json().items;
      assert.deepEqual(
        versions.map((v: { version: number; state: string }) => [v.version, v.state]),
        [[1, 'published']],
      );
      const v1 = await t.call('GET', url(programmeId, '/versions/1'));
      assert.equal(v1.statusCode, 200);
      assert.equal(v1.json().content.riskModel.tables.countryRisk.entries.FR, 80);
    });

    it('a published version is frozen: the database refuses to change or delete it', async () => {
      const db = t.database.db;
      await assert.rejects(
        db
          .updateTable('programme_configurations')
          .set({ content: JSON.stringify({ riskModel: {} }) })
          .where('programme_id', '=', programmeId)
          .where('version', '=', 1)
          .execute(),
        /frozen/,
      );
      await assert.rejects(
        db
          .updateTable('programme_configurations')
          .set({ state: 'draft', published_at: null, published_by: null })
          .where('programme_id', '=', programmeId)
          .execute(),
        /frozen/,
      );
      await assert.rejects(
        sql`DELETE FROM programme_configurations WHERE programme_id = ${programmeId}`.execute(db),
        /frozen/,
      );
      const [row] = await rows(programmeId);
      assert.equal(row!.state, 'published');
      assert.equal(Buffer.from(row!.content_hash).toString('hex'), draftHash);
    });

    it('export then import into another programme gives the same content hash, as a draft only', async () => {
      const exported = await t.call('GET', url(programmeId, '/export?version=1'));
      assert.equal(exported.statusCode, 200, exported.body);
      const doc = exported.json();
      assert.equal(doc.format, 'dossier.programme-configuration');
      assert.equal(doc.formatVersion, 1);
      assert.equal(doc.version, 1);
      assert.equal(doc.contentHash, draftHash);

      const imported = await t.call('POST', url(otherId, '/import'), { body: { document: doc } });
      assert.equal(imported.statusCode, 200, imported.body);
      assert.equal(imported.json().state, 'draft');
      assert.equal(imported.json().contentHash, draftHash);
      const effective = (await t.call('GET', url(otherId))).json();
      assert.equal(effective.source, 'default');
      assert.equal(effective.draft.contentHash, draftHash);
      assert.equal((await t.call('GET', url(otherId, '/export?version=1'))).statusCode, 404);
    });

    it('a tampered or malformed export is refused and nothing is stored', async () => {
      const doc = (await t.call('GET', url(programmeId, '/export'))).json();
      const target = await makeConfigured();
      const tampered = structuredClone(doc);
      tampered.content.riskModel.tables.countryRisk.entries.FR = 0;
      const res = await t.call('POST', url(target, '/import'), { body: { document: tampered } });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().reason, 'hash_mismatch');
      for (const bad of [
        { ...doc, format: 'something-else' },
        { ...doc, formatVersion: 2 },
        { ...doc, contentHash: 'xyz' },
      ]) {
        assert.equal(
          (await t.call('POST', url(target, '/import'), { body: { document: bad } })).statusCode,
          400,
        );
      }
      // A consistent document whose content the engines refuse: hash fine, still a 400.
      const broken = structuredClone(doc);
      broken.content.reviewPolicy = { nonsense: true };
      const { contentHash } = await import('../../../modules/programme-config/index.ts');
      broken.contentHash = contentHash(broken.content).toString('hex');
      const refused = await t.call('POST', url(target, '/import'), { body: { document: broken } });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().reason, 'invalid_configuration');
      assert.equal((await rows(target)).length, 0);
    });

    it('audit events for saved, discarded, published, exported and imported', async () => {
      const types = (await auditOf(t.database.db, programmeId)).map((e) => e.type);
      for (const type of [
        'programme.configuration_draft_saved',
        'programme.configuration_published',
        'programme.configuration_draft_discarded',
        'programme.configuration_exported',
      ])
        assert.ok(types.includes(type), `${type} in ${types.join()}`);
      const published = (await auditOf(t.database.db, programmeId)).find(
        (e) => e.type === 'programme.configuration_published',
      );
      assert.equal(published!.payload['contentHash'], draftHash);
      assert.equal(published!.payload['version'], 1);
      const imported = (await auditOf(t.database.db, otherId)).find(
        (e) => e.type === 'programme.configuration_imported',
      );
      assert.equal(imported!.payload['contentHash'], draftHash);
      assert.equal(imported!.payload['sourceVersion'], 1);
    });

    describe('staff sessions', () => {
      let clock: ReturnType<typeof controlClock>;
      before(() => {
        clock = controlClock(t);
      });

      it("another programme's configuration answers 404, reading and writing", async () => {
        const staff = await createStaff(t, { totp: true, rights: ['programme:read', 'programme:manage'] });
        await setProgrammeMembers(t.ctx, programmeId, [staff.id]);
        const s = await signInWithTotp(t, staff, clock);
        assert.equal((await browser(t, 'GET', url(programmeId), { cookie: s.token })).statusCode, 200);
        for (const path of [
          '',
          '/versions',
          '/versions/1',
          '/draft',
          '/diff?from=default&to=current',
          '/export',
        ]) {
          const res = await browser(t, 'GET', url(otherId, path), { cookie: s.token });
          assert.equal(res.statusCode, 404, path);
        }
        const before = (await rows(otherId)).length;
        const put = await browser(t, 'PUT', url(otherId, '/draft'), {
          cookie: s.token,
          csrf: s.csrf,
          body: { content: raisedContent() },
        });
        assert.equal(put.statusCode, 404, put.body);
        const del = await browser(t, 'DELETE', url(otherId, '/draft'), { cookie: s.token, csrf: s.csrf });
        assert.equal(del.statusCode, 404);
        assert.equal((await rows(otherId)).length, before);
      });

      it('changes need a recent second factor (403 step_up_required); reads do not', async () => {
        const staff = await createStaff(t, { totp: true, rights: ['programme:read', 'programme:manage'] });
        const target = await makeConfigured();
        await setProgrammeMembers(t.ctx, target, [staff.id]);
        const s = await signInWithTotp(t, staff, clock);
        await t.database.db
          .updateTable('sessions')
          .set({ second_factor_at: new Date(Date.now() - t.auth.session.stepUpWindowMs - 1000) })
          .where('user_id', '=', staff.id)
          .execute();
        const doc = (await t.call('GET', url(programmeId, '/export'))).json();
        for (const [method, path, body] of [
          ['PUT', '/draft', { content: raisedContent() }],
          ['DELETE', '/draft', undefined],
          ['POST', '/publish', { expectedHash: draftHash }],
          ['POST', '/import', { document: doc }],
        ] as const) {
          const res = await browser(t, method, url(target, path), {
            cookie: s.token,
            csrf: s.csrf,
            ...(body ? { body } : {}),
          });
          assert.equal(res.statusCode, 403, `${method} ${path}: ${res.body}`);
          assert.equal(res.json().reason, 'step_up_required');
        }
        assert.equal((await rows(target)).length, 0);
        assert.equal((await browser(t, 'GET', url(target), { cookie: s.token })).statusCode, 200);
      });
    });
  });
}
