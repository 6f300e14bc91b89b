/**
 * Client uploads through the portal, end to end over the real mTLS link and the real clamd: the
 * browser's raw body is streamed by the portal into the link and by the link into the document
 * pipeline, the same one staff uploads go through. A clean PDF is stored encrypted, scanned, linked
 * to the application and seen by staff (with the client as uploader) and in the client's list;
 * everything hostile or not allowed is refused with nothing stored: EICAR, files over the limit
 * (the internal cap and the portal's own, declared and streamed), disguised content, another
 * organisation's ids, a subject not on the application, a read-only user, a missing CSRF token, and
 * a link that breaks in the middle of an upload (the portal answers 503 and keeps serving).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { IncomingMessage } from 'node:http';
import type { LightMyRequestResponse } from 'fastify';
import { PORTAL_COOKIE } from '../../src/servers/portal/client-routes.ts';
import { buildPortalApp } from '../../src/servers/portal/build-app.ts';
import { requireClamd, testClamdSettings } from '../../src/platform/clamav/test-clamd.ts';
import { testConfig } from '../support/app.ts';
import { backends } from '../support/db.ts';
import { eicar, leftovers, samplePdf, sampleExe, uploadTo } from '../support/documents.ts';
import { startPortalStack, type ClientSession, type PortalStack } from '../support/portal.ts';

const skip = testClamdSettings() || requireClamd() ? false : 'no clamd (set DOSSIER_TEST_CLAMD)';

/** The internal server's upload limit in these tests. */
const INTERNAL_MAX = 64 * 1024;

/** Every file under `dir` with its size and modification time: what a writer would change. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        out.push(`${p}:${st.size}:${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** A readable that yields `data` in chunks without a declared length (sent chunked). */
function chunked(data: Buffer, size = 4096): Readable {
  const s = new PassThrough();
  for (let i = 0; i < data.length; i += size) s.write(data.subarray(i, i + size));
  s.end();
  return s;
}

for (const backend of backends) {
  describe(`client uploads through the portal (${backend.kind})`, { skip }, () => {
    let s: PortalStack;
    let a: ClientSession & { email: string };
    let b: ClientSession & { email: string };
    let appA: string;
    let appB: string;
    let subjectA: string;
    let subjectB: string;

    const subjectOf = async (applicationId: string) =>
      (
        await s.t.database.db
          .selectFrom('application_subjects')
          .select('subject_id')
          .where('application_id', '=', applicationId)
          .executeTakeFirstOrThrow()
      ).subject_id;

    const upload = (
      as: ClientSession | null,
      applicationId: string,
      query: Record<string, string>,
      file: { name?: string; content: Buffer | Readable },
      o: { csrf?: string; headers?: Record<string, string>; portal?: PortalStack['portal'] } = {},
    ): Promise<LightMyRequestResponse> => {
      const url = `/api/v1/applications/${applicationId}/documents?${new URLSearchParams(query)}`;
      const headers: Record<string, string> = {
        'content-type': 'application/octet-stream',
        ...(file.name !== undefined ? { 'x-file-name': encodeURIComponent(file.name) } : {}),
        ...(as ? { cookie: `${PORTAL_COOKIE}=${as.cookie}` } : {}),
        ...(as && (o.csrf ?? as.csrf) ? { 'x-csrf-token': o.csrf ?? as.csrf } : {}),
        ...o.headers,
      };
      return (o.portal ?? s.portal).inject({
        method: 'POST',
        url,
        headers,
        payload: file.content as Buffer,
      });
    };

    /** Waits until no upload is in flight (pending blob rows), then counts what is stored. */
    const settled = async () => {
      for (let i = 0; i < 100; i++) {
        const l = await leftovers(s.t);
        if (l.blobs.every((x) => x.state !== 'pending') && l.temporary.length === 0) return l;
        await sleep(50);
      }
      return leftovers(s.t);
    };

    const refusals = async (actor: string) =>
      s.t.database.db
        .selectFrom('audit_events')
        .select(['payload', 'actor', 'target_id'])
        .where('type', '=', 'document.upload_refused')
        .where('actor', '=', actor)
        .orderBy('seq')
        .execute();

    before(async () => {
      s = await startPortalStack(backend, {
        env: { DOSSIER_DOCUMENTS_MAX_UPLOAD_BYTES: String(INTERNAL_MAX) },
      });
      a = await s.newClient('Acme Uploads', 'contributor');
      b = await s.newClient('Borealis Uploads', 'owner');
      appA = await s.applicationFor(a.organisationId);
      appB = await s.applicationFor(b.organisationId);
      subjectA = await subjectOf(appA);
      subjectB = await subjectOf(appB);
    });
    after(() => s?.close());

    it('a clean PDF is scanned, stored encrypted, linked to the application, and seen by staff and the client', async () => {
      const marker = 'Plaintext marker of a client upload';
      const pdf = samplePdf(marker);
      const portalDir = snapshot(s.root);
      const res = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'passport', expiryDate: '2031-05-01' },
        {
          name: 'Pässport scan.pdf',
          content: pdf,
        },
      );
      assert.equal(res.statusCode, 201, res.body);
      const view = res.json();
      assert.deepEqual(Object.keys(view).sort(), [
        'filename',
        'id',
        'review',
        'size',
        'subjectId',
        'type',
        'typeLabel',
        'uploadedAt',
        'uploadedBy',
        'uploadedByYourOrganisation',
      ]);
      assert.equal(view.filename, 'Pässport scan.pdf');
      assert.equal(view.size, pdf.length);
      assert.equal(view.type, 'passport');
      assert.equal(view.typeLabel, 'Passport');
      assert.equal(view.review, 'pending', 'a client upload starts unreviewed');
      assert.equal(view.uploadedByYourOrganisation, true);
      assert.equal(view.subjectId, subjectA);

      // Staff see it through the staff API: uploaded by the client, scanned, linked, unreviewed.
      const staff = await s.staffCall('GET', `/api/v1/documents/${view.id}`);
      assert.equal(staff.statusCode, 200, staff.body);
      const doc = staff.json().document;
      assert.equal(doc.createdBy, `client:${a.userId}`);
      assert.equal(doc.file.uploadedBy, `client:${a.userId}`);
      assert.equal(doc.file.scan, 'clean');
      assert.match(String(doc.file.scanEngine), /ClamAV/i);
      assert.equal(doc.file.sha256, createHash('sha256').update(pdf).digest('hex'));
      assert.deepEqual(doc.applicationIds, [appA]);
      assert.equal(doc.validity, 'unchecked');
      assert.equal(doc.expiryDate, '2031-05-01');
      const inApp = await s.staffCall('GET', `/api/v1/applications/${appA}/documents`);
      assert.ok(inApp.json().items.some((d: { id: string }) => d.id === view.id));
      const download = await s.staffCall('GET', `/api/v1/documents/${view.id}/download`);
      assert.equal(download.statusCode, 200);
      assert.deepEqual(download.rawPayload, pdf, 'staff get back exactly what the client sent');

      // At rest the bytes are encrypted: neither the PDF header nor the text is in the object.
      const version = await s.t.database.db
        .selectFrom('document_versions')
        .select('blob_id')
        .where('document_id', '=', view.id)
        .executeTakeFirstOrThrow();
      const chunks: Buffer[] = [];
      for await (const c of await s.t.documents.store.openRead(version.blob_id)) chunks.push(c as Buffer);
      const stored = Buffer.concat(chunks);
      assert.ok(stored.length > pdf.length);
      assert.equal(stored.includes(Buffer.from(marker)), false);
      assert.equal(stored.includes(Buffer.from('%PDF')), false);

      // Audited as an upload by the client, with the application.
      const events = await s.t.database.db
        .selectFrom('audit_events')
        .select(['actor', 'payload'])
        .where('type', '=', 'document.uploaded')
        .where('target_id', '=', view.id)
        .execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.actor, `client:${a.userId}`);
      const payload = events[0]!.payload as Record<string, unknown>;
      assert.equal(payload['applicationId'], appA);
      assert.equal(payload['scan'], 'clean');
      assert.equal(JSON.stringify(payload).includes('Pässport'), false, 'no file name in the trail');

      // The client's list: metadata only.
      const list = await s.portalCall('GET', `/api/v1/applications/${appA}/documents`, { as: a });
      assert.equal(list.statusCode, 200, list.body);
      const mine = list.json().items.find((d: { id: string }) => d.id === view.id);
      assert.deepEqual(mine, view);
      assert.doesNotMatch(list.body, /sha256|blob|scanEngine|validitySetBy|client:/);

      // A staff upload linked to the same application is not listed: what staff file (screening
      // evidence, internal memos) must never reach the client, not even its name (no tipping-off).
      const staffUpload = await uploadTo(
        s.t,
        `/api/v1/subjects/${subjectA}/documents`,
        { type: 'other', applicationId: appA },
        { name: 'staff.pdf', content: samplePdf('from staff') },
      );
      assert.equal(staffUpload.statusCode, 201, staffUpload.body);
      const again = await s.portalCall('GET', `/api/v1/applications/${appA}/documents`, { as: a });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(
        again.json().items.some((d: { id: string }) => d.id === staffUpload.json().document.id),
        false,
      );
      assert.doesNotMatch(again.body, /staff\.pdf/);
      assert.ok(again.json().items.some((d: { id: string }) => d.id === view.id));

      // The portal kept nothing: its data directory is exactly as it was.
      assert.deepEqual(snapshot(s.root), portalDir);
    });

    it('EICAR is refused (422 virus_detected), audited with the client as actor, nothing stored', async () => {
      const before = await settled();
      const res = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'other' },
        { name: 'notes.txt', content: eicar() },
      );
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.json().code, 'file_refused');
      assert.equal(res.json().reason, 'virus_detected');
      assert.match(res.json().signature, /EICAR/i);
      const after = await settled();
      assert.equal(after.documents, before.documents);
      assert.deepEqual(after.blobs, before.blobs);
      assert.deepEqual(after.objects, before.objects);
      const refused = (await refusals(`client:${a.userId}`)).at(-1)!;
      assert.equal(refused.target_id, subjectA);
      assert.equal((refused.payload as { reason: string }).reason, 'virus_detected');
    });

    it("files over the internal server's limit: 413, declared or streamed, nothing stored", async () => {
      const before = await settled();
      const big = Buffer.concat([samplePdf(), Buffer.alloc(INTERNAL_MAX, 0x25)]);
      const declared = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'other' },
        { name: 'big.pdf', content: big },
      );
      assert.equal(declared.statusCode, 413, declared.body);
      assert.equal(declared.json().reason, 'file_too_large');
      // Without a declared length the pipeline's counter stops it at the first byte over.
      const streamed = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'other' },
        { name: 'big.pdf', content: chunked(big) },
      );
      assert.equal(streamed.statusCode, 413, streamed.body);
      assert.equal(streamed.json().limitBytes, INTERNAL_MAX);
      const after = await settled();
      assert.equal(after.documents, before.documents);
      assert.deepEqual(after.blobs, before.blobs);
      assert.deepEqual(after.objects, before.objects);
      assert.equal(
        ((await refusals(`client:${a.userId}`)).at(-1)!.payload as { reason: string }).reason,
        'file_too_large',
      );
    });

    it("the portal's own cap: a declared length over it never reaches the link; a stream over it is cut off", async () => {
      const cap = 16 * 1024;
      const small = await buildPortalApp({
        config: testConfig({
          DOSSIER_DATA_DIR: s.root,
          DOSSIER_PORTAL_TLS: 'false',
          DOSSIER_DOCUMENTS_MAX_UPLOAD_BYTES: String(cap),
        }),
        logger: false,
        linkClient: s.linkClient,
      });
      await small.ready();
      let linkUploads = 0;
      const seen = (req: IncomingMessage) => {
        if (req.method === 'POST' && req.url?.includes('/documents')) linkUploads++;
      };
      s.link.server.on('request', seen);
      try {
        const before = await settled();
        const file = Buffer.concat([samplePdf(), Buffer.alloc(cap, 0x25)]);
        const declared = await upload(
          a,
          appA,
          { subjectId: subjectA, type: 'other' },
          { name: 'big.pdf', content: file },
          { portal: small },
        );
        assert.equal(declared.statusCode, 413, declared.body);
        assert.equal(declared.json().limitBytes, cap);
        assert.equal(declared.headers['connection'], 'close');
        assert.equal(linkUploads, 0, 'refused before the link was called');
        const streamed = await upload(
          a,
          appA,
          { subjectId: subjectA, type: 'other' },
          { name: 'big.pdf', content: chunked(file, 1024) },
          { portal: small },
        );
        assert.equal(streamed.statusCode, 413, streamed.body);
        assert.equal(streamed.json().reason, 'file_too_large');
        const after = await settled();
        assert.equal(after.documents, before.documents);
        assert.deepEqual(after.blobs, before.blobs);
        assert.deepEqual(after.objects, before.objects);
        // Under the cap, the same portal passes uploads on.
        const ok = await upload(
          a,
          appA,
          { subjectId: subjectA, type: 'other' },
          { name: 'small.pdf', content: chunked(samplePdf('small'), 100) },
          { portal: small },
        );
        assert.equal(ok.statusCode, 201, ok.body);
      } finally {
        s.link.server.off('request', seen);
        await small.close();
      }
    });

    it('a wrong extension, disguised content or a bad name is refused (422), bad metadata is 400; nothing stored', async () => {
      const before = await settled();
      const cases: [string, Buffer, string][] = [
        ['statement.pdf', sampleExe(), '^(type_mismatch|active_content)$'],
        ['tool.exe', sampleExe(), '^type_not_allowed$'],
        [
          'page.html',
          Buffer.from('<html><script>alert(1)</script></html>'),
          '^(type_not_allowed|active_content)$',
        ],
        ['../../etc/passwd.pdf', samplePdf(), '^filename_invalid$'],
      ];
      for (const [name, content, reason] of cases) {
        const res = await upload(a, appA, { subjectId: subjectA, type: 'other' }, { name, content });
        assert.equal(res.statusCode, 422, `${name}: ${res.body}`);
        assert.equal(res.json().code, 'file_refused');
        assert.match(res.json().reason, new RegExp(reason), name);
      }
      const unknownType = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'tax_return' },
        { name: 'a.pdf', content: samplePdf() },
      );
      assert.equal(unknownType.statusCode, 400, unknownType.body);
      assert.equal(unknownType.json().errors[0].path, '/type');
      const wrongKind = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'registry_extract' },
        { name: 'a.pdf', content: samplePdf() },
      );
      assert.equal(wrongKind.statusCode, 400, wrongKind.body);
      const dates = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'passport', issueDate: '2030-01-01', expiryDate: '2029-01-01' },
        { name: 'a.pdf', content: samplePdf() },
      );
      assert.equal(dates.statusCode, 400, dates.body);
      assert.equal(dates.json().errors[0].path, '/expiryDate');
      const noName = await upload(a, appA, { subjectId: subjectA, type: 'other' }, { content: samplePdf() });
      assert.equal(noName.statusCode, 400, noName.body);
      assert.equal(noName.json().errors[0].path, '/headers/x-file-name');
      const badSubject = await upload(
        a,
        appA,
        { subjectId: 'not-a-uuid', type: 'other' },
        { name: 'a.pdf', content: samplePdf() },
      );
      assert.equal(badSubject.statusCode, 400, badSubject.body);
      const json = await s.portalCall(
        'POST',
        `/api/v1/applications/${appA}/documents?subjectId=${subjectA}&type=other`,
        {
          as: a,
          body: { file: 'x' },
        },
      );
      assert.equal(json.statusCode, 415, json.body);
      const gzipped = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'other' },
        { name: 'a.pdf', content: samplePdf() },
        { headers: { 'content-encoding': 'gzip' } },
      );
      assert.equal(gzipped.statusCode, 415, gzipped.body);
      const after = await settled();
      assert.equal(after.documents, before.documents);
      assert.deepEqual(after.blobs, before.blobs);
      assert.deepEqual(after.objects, before.objects);
    });

    it("another organisation's application and subject ids are not found; so is a subject not on the application", async () => {
      const before = await settled();
      const pdf = { name: 'a.pdf', content: samplePdf() };
      for (const [who, app, subject] of [
        [b, appA, subjectA],
        [b, appA, subjectB],
        [a, appA, subjectB],
        [a, appB, subjectB],
        [a, appA, randomUUID()],
        [a, randomUUID(), subjectA],
      ] as const) {
        const res = await upload(who, app, { subjectId: subject, type: 'other' }, pdf);
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(res.json().code, 'not_found');
      }
      const list = await s.portalCall('GET', `/api/v1/applications/${appA}/documents`, { as: b });
      assert.equal(list.statusCode, 404, list.body);
      const notUuid = await s.portalCall('GET', '/api/v1/applications/123/documents', { as: a });
      assert.equal(notUuid.statusCode, 404);
      const after = await settled();
      assert.equal(after.documents, before.documents);
      assert.deepEqual(after.blobs, before.blobs);
    });

    it("the document types of A's application: code and label only, by subject kind; B and others' ids get 404", async () => {
      const types = (as: ClientSession | null, applicationId: string, subjectId?: string) =>
        s.portalCall(
          'GET',
          `/api/v1/applications/${applicationId}/document-types${subjectId ? `?subjectId=${subjectId}` : ''}`,
          as ? { as } : {},
        );
      const programme = await s.t.database.db
        .selectFrom('applications as a')
        .innerJoin('programmes as p', 'p.id', 'a.programme_id')
        .select('p.document_types')
        .where('a.id', '=', appA)
        .executeTakeFirstOrThrow();
      const all = await types(a, appA);
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(
        all.json().items,
        programme.document_types.map((t) => ({ code: t.code, label: t.label })),
        'every type of the programme, in its order, code and label only',
      );
      assert.ok(all.json().items.some((t: { code: string }) => t.code === 'registry_extract'));

      // For the (person) main subject: no entity-only type.
      const person = await types(a, appA, subjectA);
      assert.equal(person.statusCode, 200, person.body);
      const codes = person.json().items.map((t: { code: string }) => t.code);
      assert.ok(codes.includes('passport'));
      assert.ok(!codes.includes('registry_extract'));
      // For an entity the firm added to the application: no person-only type.
      const entity = await s.staffCall('POST', '/api/v1/subjects', {
        kind: 'entity',
        registeredName: 'Types Holdings Ltd',
        registrationNumber: 'TH-100',
        jurisdiction: 'GB',
        incorporationDate: '2001-02-03',
        ignoreDuplicates: true,
      });
      assert.equal(entity.statusCode, 201, entity.body);
      const entityId = entity.json().subject.id as string;
      const attached = await s.staffCall('POST', `/api/v1/applications/${appA}/subjects`, {
        subjectId: entityId,
        role: 'related',
      });
      assert.ok(attached.statusCode < 300, attached.body);
      const forEntity = await types(a, appA, entityId);
      assert.equal(forEntity.statusCode, 200, forEntity.body);
      const entityCodes = forEntity.json().items.map((t: { code: string }) => t.code);
      assert.ok(entityCodes.includes('registry_extract'));
      assert.ok(!entityCodes.includes('passport'));

      // A read-only user may list them.
      const reader = await s.addClient(a.organisationId, 'read_only');
      assert.equal((await types(reader, appA)).statusCode, 200);
      // Organisation B: 404 on A's application, with or without A's subject; A: 404 on B's ids.
      for (const [who, app, subject] of [
        [b, appA, undefined],
        [b, appA, subjectA],
        [b, appA, subjectB],
        [a, appB, undefined],
        [a, appB, subjectB],
        [a, appA, subjectB],
        [a, appA, randomUUID()],
        [a, randomUUID(), undefined],
      ] as const) {
        const res = await types(who, app, subject);
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(res.json().code, 'not_found');
        assert.doesNotMatch(res.body, /passport|registry_extract/);
      }
      const bad = await types(a, appA, 'not-a-uuid');
      assert.equal(bad.statusCode, 400, bad.body);
      const anonymous = await types(null, appA);
      assert.equal(anonymous.statusCode, 401, anonymous.body);
    });

    it('a read-only user may list but not upload (403 read_only); without a CSRF token 403, without a session 401', async () => {
      const before = await settled();
      const reader = await s.addClient(a.organisationId, 'read_only');
      const pdf = { name: 'a.pdf', content: samplePdf() };
      const ro = await upload(reader, appA, { subjectId: subjectA, type: 'other' }, pdf);
      assert.equal(ro.statusCode, 403, ro.body);
      assert.equal(ro.json().reason, 'read_only');
      const list = await s.portalCall('GET', `/api/v1/applications/${appA}/documents`, { as: reader });
      assert.equal(list.statusCode, 200, list.body);
      assert.ok(list.json().items.length >= 1);

      const refusedBefore = await s.t.database.db
        .selectFrom('audit_events')
        .select('id')
        .where('type', '=', 'link.refused')
        .execute();
      const noCsrf = await upload(a, appA, { subjectId: subjectA, type: 'other' }, pdf, { csrf: '' });
      assert.equal(noCsrf.statusCode, 403, noCsrf.body);
      assert.equal(noCsrf.json().reason, 'csrf');
      const wrongCsrf = await upload(a, appA, { subjectId: subjectA, type: 'other' }, pdf, { csrf: b.csrf });
      assert.equal(wrongCsrf.statusCode, 403, wrongCsrf.body);
      const anonymous = await upload(null, appA, { subjectId: subjectA, type: 'other' }, pdf);
      assert.equal(anonymous.statusCode, 401, anonymous.body);
      // The session is checked before the metadata: no session learns nothing but 401.
      const anonymousBad = await upload(null, appA, { type: 'NOT VALID' }, { content: samplePdf() });
      assert.equal(anonymousBad.statusCode, 401, anonymousBad.body);
      const refusedAfter = await s.t.database.db
        .selectFrom('audit_events')
        .select('id')
        .where('type', '=', 'link.refused')
        .execute();
      assert.equal(refusedAfter.length - refusedBefore.length, 4);
      const after = await settled();
      assert.equal(after.documents, before.documents);
      assert.deepEqual(after.blobs, before.blobs);
    });

    it('the link breaking in the middle of an upload: 503 link_unavailable, nothing stored, the portal keeps serving', async () => {
      const before = await settled();
      const body = new PassThrough();
      const pdf = Buffer.concat([samplePdf(), Buffer.alloc(40 * 1024, 0x25)]);
      body.write(pdf.subarray(0, 8 * 1024));
      const arrived = new Promise<IncomingMessage>((resolve) => {
        const onRequest = (req: IncomingMessage) => {
          if (req.method !== 'POST' || !req.url?.includes('/documents')) return;
          s.link.server.off('request', onRequest);
          resolve(req);
        };
        s.link.server.on('request', onRequest);
      });
      const pending = upload(
        a,
        appA,
        { subjectId: subjectA, type: 'other' },
        { name: 'cut.pdf', content: body },
      );
      const linkReq = await arrived;
      await sleep(150);
      linkReq.socket.destroy();
      body.write(pdf.subarray(8 * 1024, 16 * 1024));
      body.end(pdf.subarray(16 * 1024));
      const res = await pending;
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.json().reason, 'link_unavailable');
      // The portal is still up and reaches the link again.
      const list = await s.portalCall('GET', `/api/v1/applications/${appA}/documents`, { as: a });
      assert.equal(list.statusCode, 200, list.body);
      const ok = await upload(
        a,
        appA,
        { subjectId: subjectA, type: 'other' },
        { name: 'after.pdf', content: samplePdf('after') },
      );
      assert.equal(ok.statusCode, 201, ok.body);
      const after = await settled();
      assert.equal(after.documents, before.documents + 1, 'only the upload after the break was stored');
      assert.equal(after.blobs.filter((x) => x.state === 'pending').length, 0);
    });
  });
}
