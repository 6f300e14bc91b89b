import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../../../test/support/db.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { auditOf, makeApplication } from '../../../../test/support/factories-applications.ts';
import {
  documentFixture,
  eicar,
  leftovers,
  samplePdf,
  samplePng,
  uploadTo,
} from '../../../../test/support/documents.ts';
import { requireClamd, testClamdSettings } from '../../../platform/clamav/test-clamd.ts';
import { destroyDueDocuments } from '../../../modules/documents/index.ts';
import { createApiKey } from '../../../modules/api-keys/index.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const clamd = testClamdSettings();
const skip = clamd || requireClamd() ? false : 'no clamd (set DOSSIER_TEST_CLAMD)';

for (const backend of backends) {
  describe(`documents routes [${backend.kind}]`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    const upload = async (
      name = 'passport.pdf',
      content = samplePdf(),
      fields: Record<string, string> = {},
    ) => {
      const f = await documentFixture(t);
      const res = await uploadTo(t, f.url, { type: 'passport', ...fields }, { name, content });
      return { ...f, res };
    };

    it('401 without a credential, 403 without the right on every route (file denials audited)', async () => {
      const { res, url } = await upload();
      assert.equal(res.statusCode, 201, res.body);
      const id = (res.json() as { document: { id: string } }).document.id;
      const app = await makeApplication(t.ctx);
      const routes: [string, string][] = [
        ['POST', url],
        ['POST', `/api/v1/documents/${id}/versions`],
        ['GET', '/api/v1/documents'],
        ['GET', `/api/v1/documents/${id}`],
        ['PATCH', `/api/v1/documents/${id}`],
        ['DELETE', `/api/v1/documents/${id}`],
        ['GET', `/api/v1/documents/${id}/view`],
        ['GET', `/api/v1/documents/${id}/download`],
        ['GET', `/api/v1/applications/${app.id}/documents`],
        ['POST', `/api/v1/applications/${app.id}/documents`],
        ['DELETE', `/api/v1/applications/${app.id}/documents/${id}`],
      ];
      for (const [method, path] of routes) {
        assert.equal((await t.call(method, path, { token: null })).statusCode, 401, `${method} ${path}`);
        assert.equal(
          (await t.call(method, path, { token: t.noRightsToken })).statusCode,
          403,
          `${method} ${path}`,
        );
      }
      const reader = await t.tokenWith(['subject:read', 'document:view']);
      const dl = await t.call('GET', `/api/v1/documents/${id}/download`, { token: reader });
      assert.equal(dl.statusCode, 403);
      const viewerless = await t.tokenWith(['subject:read', 'document:download']);
      assert.equal(
        (await t.call('GET', `/api/v1/documents/${id}/view`, { token: viewerless })).statusCode,
        403,
      );
      const denied = await t.database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('type', '=', 'access.denied')
        .execute();
      const rights = denied.map((d) => (d.payload as { right: string }).right);
      assert.ok(rights.includes('document:download') && rights.includes('document:view'));
    });

    it("another programme's document is a 404 on every route, even with every document right", async () => {
      const { res } = await upload();
      const id = (res.json() as { document: { id: string } }).document.id;
      const elsewhere = await documentFixture(t);
      const { token } = await createApiKey(t.ctx, {
        name: 'other programme',
        rights: [
          'subject:read',
          'document:view',
          'document:download',
          'document:review',
          'document:delete',
          'document:upload',
        ],
        programmeIds: [elsewhere.programme.id],
      });
      for (const [method, path, body] of [
        ['GET', `/api/v1/documents/${id}`, undefined],
        ['GET', `/api/v1/documents/${id}/view`, undefined],
        ['GET', `/api/v1/documents/${id}/download`, undefined],
        ['PATCH', `/api/v1/documents/${id}`, { version: 1, validity: 'valid' }],
        ['DELETE', `/api/v1/documents/${id}`, { reason: 'x' }],
      ] as const)
        assert.equal((await t.call(method, path, { token, body })).statusCode, 404, `${method} ${path}`);
      const version = await uploadTo(
        t,
        `/api/v1/documents/${id}/versions`,
        {},
        { name: 'b.pdf', content: samplePdf() },
        { token },
      );
      assert.equal(version.statusCode, 404);
      const list = await t.call('GET', '/api/v1/documents', { token });
      assert.ok(!list.json().items.some((d: { id: string }) => d.id === id));
      assert.equal(
        (await t.call('GET', `/api/v1/documents/${id}`)).statusCode,
        200,
        'still there for its own programme',
      );
    });

    it('a clean PDF is stored encrypted; the viewer and the download give it back with safe headers, audited with who and where', async () => {
      const content = samplePdf('Hello encrypted world');
      const { res } = await upload('Pass port ü.pdf', content);
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as { document: { id: string; file: Record<string, unknown> } };
      assert.equal(body.document.file['mediaType'], 'application/pdf');
      assert.equal(body.document.file['scan'], 'clean');
      assert.equal(body.document.file['filename'], 'Pass port ü.pdf');
      assert.equal(body.document.file['size'], content.length);
      const id = body.document.id;
      // At rest: no plaintext in the object.
      const row = await t.database.db
        .selectFrom('document_versions')
        .select('blob_id')
        .where('document_id', '=', id)
        .executeTakeFirstOrThrow();
      const stored: Buffer[] = [];
      for await (const c of await t.documents.store.openRead(row.blob_id)) stored.push(c as Buffer);
      assert.ok(!Buffer.concat(stored).includes(Buffer.from('Hello encrypted world')));

      const view = await t.call('GET', `/api/v1/documents/${id}/view`);
      assert.equal(view.statusCode, 200);
      assert.deepEqual(view.rawPayload, content);
      assert.equal(view.headers['content-security-policy'], 'sandbox');
      assert.equal(view.headers['x-content-type-options'], 'nosniff');
      assert.equal(view.headers['cache-control'], 'no-store');
      assert.equal(view.headers['content-type'], 'application/pdf');
      assert.match(
        String(view.headers['content-disposition']),
        /^inline; filename="Pass port u\.pdf"; filename\*=UTF-8''Pass%20port%20%C3%BC\.pdf$/,
      );

      const dl = await t.call('GET', `/api/v1/documents/${id}/download`);
      assert.equal(dl.statusCode, 200);
      assert.deepEqual(dl.rawPayload, content);
      assert.match(String(dl.headers['content-disposition']), /^attachment; /);

      const range = await t.call('GET', `/api/v1/documents/${id}/view`, { headers: { range: 'bytes=5-24' } });
      assert.equal(range.statusCode, 206);
      assert.deepEqual(range.rawPayload, content.subarray(5, 25));
      assert.equal(range.headers['content-range'], `bytes 5-24/${content.length}`);
      const bad = await t.call('GET', `/api/v1/documents/${id}/view`, {
        headers: { range: `bytes=${content.length + 10}-` },
      });
      assert.equal(bad.statusCode, 416);
      assert.equal(bad.headers['content-range'], `bytes */${content.length}`);

      const events = await auditOf(t.database.db, id);
      const types = events.map((e) => e.type);
      assert.deepEqual(
        types.filter((x) => x.startsWith('document.')),
        ['document.uploaded', 'document.viewed', 'document.downloaded', 'document.viewed'],
      );
      const viewed = events.find((e) => e.type === 'document.viewed')!;
      assert.equal((viewed.payload as { ip: string }).ip, '127.0.0.1');
      assert.ok(!JSON.stringify(events).includes('Pass port'), 'no file name in the trail');
    });

    for (const [label, name, content] of [
      ['the EICAR file', 'eicar.txt', eicar()],
      [
        'EICAR inside a text file',
        'notes.txt',
        Buffer.concat([Buffer.from('harmless prefix '), eicar(), Buffer.from('\n')]),
      ],
    ] as const) {
      it(`${label} is refused by the virus scan, audited, and nothing is stored`, async () => {
        const before = await leftovers(t);
        const f = await documentFixture(t);
        const res = await uploadTo(t, f.url, { type: 'other' }, { name, content });
        assert.equal(res.statusCode, 422, res.body);
        assert.equal(res.json().reason, 'virus_detected');
        assert.match(res.json().signature, /EICAR/i);
        const after = await leftovers(t);
        assert.equal(after.documents, before.documents);
        assert.equal(after.blobs.length, before.blobs.length);
        assert.equal(after.objects.length, before.objects.length);
        assert.equal(after.temporary.length, 0);
        const refused = await auditOf(t.database.db, f.subject.id);
        const ev = refused.find((e) => e.type === 'document.upload_refused')!;
        assert.equal((ev.payload as { reason: string }).reason, 'virus_detected');
      });
    }

    it('a PNG passes; a document with an unknown type or fields is a 400 before the file is read', async () => {
      const f = await documentFixture(t);
      const ok = await uploadTo(
        t,
        f.url,
        { type: 'proof_of_address' },
        { name: 'bill.png', content: samplePng() },
      );
      assert.equal(ok.statusCode, 201, ok.body);
      const unknownType = await uploadTo(
        t,
        f.url,
        { type: 'tax_form' },
        { name: 'a.pdf', content: samplePdf() },
      );
      assert.equal(unknownType.statusCode, 400);
      const extra = await uploadTo(
        t,
        f.url,
        { type: 'passport', colour: 'red' },
        { name: 'a.pdf', content: samplePdf() },
      );
      assert.equal(extra.statusCode, 400);
      const noFile = await uploadTo(t, f.url, { type: 'passport' }, null);
      assert.equal(noFile.statusCode, 400);
      const dates = await uploadTo(
        t,
        f.url,
        { type: 'passport', issueDate: '2030-01-01', expiryDate: '2029-01-01' },
        { name: 'a.pdf', content: samplePdf() },
      );
      assert.equal(dates.statusCode, 400);
      assert.equal(
        (
          await uploadTo(
            t,
            `/api/v1/subjects/${UNKNOWN}/documents`,
            { type: 'passport' },
            { name: 'a.pdf', content: samplePdf() },
          )
        ).statusCode,
        404,
      );
    });

    it('a new version supersedes, the old one stays readable and the checks reset', async () => {
      const { res } = await upload('v1.pdf', samplePdf('first'));
      const id = (res.json() as { document: { id: string; version: number } }).document.id;
      const checked = await t.call('PATCH', `/api/v1/documents/${id}`, {
        body: { version: 1, validity: 'valid', physicalCopySeen: true },
      });
      assert.equal(checked.statusCode, 200, checked.body);
      assert.equal(checked.json().document.validity, 'valid');
      assert.equal(checked.json().document.physicalCopySeen, true);
      const v2 = await uploadTo(
        t,
        `/api/v1/documents/${id}/versions`,
        {},
        { name: 'v2.pdf', content: samplePdf('second') },
      );
      assert.equal(v2.statusCode, 201, v2.body);
      const detail = v2.json() as {
        document: { currentVersion: number; validity: string; physicalCopySeen: boolean };
        versions: { number: number; current: boolean }[];
      };
      assert.equal(detail.document.currentVersion, 2);
      assert.equal(detail.document.validity, 'unchecked');
      assert.equal(detail.document.physicalCopySeen, false);
      assert.deepEqual(
        detail.versions.map((v) => [v.number, v.current]),
        [
          [2, true],
          [1, false],
        ],
      );
      const old = await t.call('GET', `/api/v1/documents/${id}/download?version=1`);
      assert.deepEqual(old.rawPayload, samplePdf('first'));
      const cur = await t.call('GET', `/api/v1/documents/${id}/download`);
      assert.deepEqual(cur.rawPayload, samplePdf('second'));
    });

    it('marking invalid needs a reason; a stale version is a conflict', async () => {
      const { res } = await upload();
      const id = res.json().document.id as string;
      assert.equal(
        (await t.call('PATCH', `/api/v1/documents/${id}`, { body: { version: 1, validity: 'invalid' } }))
          .statusCode,
        400,
      );
      const ok = await t.call('PATCH', `/api/v1/documents/${id}`, {
        body: { version: 1, validity: 'invalid', invalidReason: 'photo does not match' },
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json().document.invalidReason, 'photo does not match');
      assert.equal(
        (await t.call('PATCH', `/api/v1/documents/${id}`, { body: { version: 1, validity: 'valid' } }))
          .statusCode,
        409,
      );
    });

    it('expiry: expiring within the notice period, expired after the date; the list filters on it', async () => {
      const f = await documentFixture(t);
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const soon = await uploadTo(
        t,
        f.url,
        { type: 'passport', expiryDate: day(10) },
        { name: 'a.pdf', content: samplePdf() },
      );
      const gone = await uploadTo(
        t,
        f.url,
        { type: 'passport', expiryDate: day(-1) },
        { name: 'b.pdf', content: samplePdf() },
      );
      const far = await uploadTo(
        t,
        f.url,
        { type: 'passport', expiryDate: day(400) },
        { name: 'c.pdf', content: samplePdf() },
      );
      assert.equal(soon.json().document.expiry.status, 'expiring');
      assert.equal(gone.json().document.expiry.status, 'expired');
      assert.equal(far.json().document.expiry.status, 'valid');
      const expiring = await t.call('GET', `/api/v1/documents?subjectId=${f.subject.id}&expiry=expiring`);
      assert.deepEqual(
        expiring.json().items.map((d: { id: string }) => d.id),
        [soon.json().document.id],
      );
      const expired = await t.call('GET', `/api/v1/documents?subjectId=${f.subject.id}&expiry=expired`);
      assert.deepEqual(
        expired.json().items.map((d: { id: string }) => d.id),
        [gone.json().document.id],
      );
    });

    it('documents stay with the subject and can be used in another application', async () => {
      const f = await documentFixture(t);
      const app1 = await makeApplication(t.ctx, { programmeId: f.programme.id, applicantId: f.subject.id });
      const app2 = await makeApplication(t.ctx, { applicantId: f.subject.id });
      const up = await uploadTo(
        t,
        f.url,
        { type: 'passport', applicationId: app1.id },
        { name: 'a.pdf', content: samplePdf() },
      );
      assert.equal(up.statusCode, 201, up.body);
      const id = up.json().document.id as string;
      assert.deepEqual(up.json().document.applicationIds, [app1.id]);
      const link = await t.call('POST', `/api/v1/applications/${app2.id}/documents`, {
        body: { documentId: id },
      });
      assert.equal(link.statusCode, 204, link.body);
      const list = await t.call('GET', `/api/v1/applications/${app2.id}/documents`);
      assert.deepEqual(
        list.json().items.map((d: { id: string }) => d.id),
        [id],
      );
      const other = await makeApplication(t.ctx);
      const refused = await t.call('POST', `/api/v1/applications/${other.id}/documents`, {
        body: { documentId: id },
      });
      assert.equal(refused.statusCode, 400, 'the subject is not in that application');
      assert.equal(
        (await t.call('DELETE', `/api/v1/applications/${app2.id}/documents/${id}`)).statusCode,
        204,
      );
    });

    it('deletion leaves a tombstone; after retention the data keys are destroyed and the object removed', async () => {
      const { res } = await upload();
      const id = res.json().document.id as string;
      assert.equal((await t.call('DELETE', `/api/v1/documents/${id}`, { body: {} })).statusCode, 400);
      const del = await t.call('DELETE', `/api/v1/documents/${id}`, {
        body: { reason: 'uploaded to the wrong subject' },
      });
      assert.equal(del.statusCode, 204);
      assert.equal((await t.call('GET', `/api/v1/documents/${id}`)).statusCode, 404);
      assert.equal((await t.call('GET', `/api/v1/documents/${id}/view`)).statusCode, 404);
      const tomb = await t.database.db
        .selectFrom('documents')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(tomb.delete_reason, 'uploaded to the wrong subject');
      assert.ok(tomb.destroy_after! > new Date(Date.now() + 1000 * 86_400_000));
      // Retention over: crypto-shredding.
      await t.database.db
        .updateTable('documents')
        .set({ destroy_after: new Date(Date.now() - 1000) })
        .where('id', '=', id)
        .execute();
      const r = await destroyDueDocuments(t.ctx, t.documents);
      assert.ok(r.documents >= 1);
      const v = await t.database.db
        .selectFrom('document_versions')
        .select('blob_id')
        .where('document_id', '=', id)
        .executeTakeFirstOrThrow();
      const blob = await t.database.db
        .selectFrom('document_blobs')
        .selectAll()
        .where('id', '=', v.blob_id)
        .executeTakeFirstOrThrow();
      assert.equal(blob.state, 'destroyed');
      assert.equal(blob.wrapped_key, null);
      assert.equal(await t.documents.store.size(v.blob_id), null);
      const types = (await auditOf(t.database.db, id)).map((e) => e.type);
      assert.ok(types.includes('document.deleted') && types.includes('document.destroyed'));
    });
  });
}
