/**
 * The internal server and the portal as two separate processes started with the real CLI, over TLS
 * on loopback (the portal over HTTPS, the link over mTLS), driven over HTTPS only: staff arrange an
 * organisation, a client user and an application through the staff API; the client opens the
 * invitation on the portal, passes the SMS code, sets a password, signs in again with password and
 * second factor, fills a questionnaire and uploads a PDF through the portal; staff see the answers
 * (who, when, which version) and the document scanned and encrypted. The
 * portal's disk is unchanged by all of it. Then the internal server is killed: the portal answers
 * 503 and stays up.
 *
 * The harness (test/support/processes.ts) is meant to be extended with further client steps.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { requireClamd, testClamdSettings } from '../../src/platform/clamav/test-clamd.ts';
import { kycForm, validAnswers } from '../../src/modules/forms/definition/form-fixtures.ts';
import { postgresAvailable } from '../support/db.ts';
import { eicar, samplePdf } from '../support/documents.ts';
import {
  arrangeClient,
  fileSnapshot,
  filesUnder,
  onboardClient,
  startServerProcesses,
  type ArrangedClient,
  type PortalBrowser,
  type ServerProcesses,
} from '../support/processes.ts';

const skip = testClamdSettings() || requireClamd() ? false : 'no clamd (set DOSSIER_TEST_CLAMD)';

for (const kind of ['pglite', ...(postgresAvailable ? ['postgres' as const] : [])] as const) {
  describe(
    `internal server and portal as separate processes over TLS (${kind})`,
    { skip, timeout: 120_000 },
    () => {
      let p: ServerProcesses;
      let client: ArrangedClient;
      let browser: PortalBrowser;
      let portalDisk: string[];
      let documentId: string;
      const marker = 'Processes plaintext marker';
      const pdf = samplePdf(marker);

      const uploadUrl = (c: ArrangedClient, type = 'passport') =>
        `/api/v1/applications/${c.applicationId}/documents?subjectId=${c.subjectId}&type=${type}`;

      before(async () => {
        p = await startServerProcesses({ kind });
        portalDisk = fileSnapshot(p.portalDir);
      });
      after(() => p?.close());

      it('the portal process holds no key ring, no database and no CA key, only its certificates', () => {
        assert.deepEqual(readdirSync(join(p.portalDir, 'pki')).sort(), [
          'ca.crt',
          'portal-link.crt',
          'portal-link.key',
          'portal.crt',
          'portal.key',
        ]);
        assert.deepEqual(readdirSync(p.portalDir), ['pki']);
        assert.match(p.portalUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
      });

      it('staff arrange a client; the client onboards through the invitation and signs in with password and second factor', async () => {
        client = await arrangeClient(p, `Acme Processes ${kind}`);
        ({ browser } = await onboardClient(p, client));
        assert.equal(p.badSms(), 0, 'every SMS webhook call was signed');
        const apps = await browser.call('GET', '/api/v1/applications');
        assert.equal(apps.status, 200, apps.text);
        assert.deepEqual(
          apps.json().items.map((a: { id: string }) => a.id),
          [client.applicationId],
        );
      });

      it('the client fills a questionnaire on the portal (draft, refused submission, submission); staff see the answers', async () => {
        const app = await p.staff('GET', `/api/v1/applications/${client.applicationId}`);
        assert.equal(app.status, 200, app.text);
        const form = await p.staff('POST', `/api/v1/programmes/${app.json().programme.id}/forms`, {
          key: 'kyc-entity',
          title: 'Company onboarding',
          definition: kycForm(),
        });
        assert.equal(form.status, 201, form.text);
        assert.equal((await p.staff('POST', `/api/v1/forms/${form.json().id}/publish`)).status, 200);
        const assigned = await p.staff('POST', `/api/v1/applications/${client.applicationId}/forms`, {
          formId: form.json().id,
        });
        assert.equal(assigned.status, 201, assigned.text);
        const url = `/api/v1/applications/${client.applicationId}/forms/${assigned.json().id}`;

        const open = await browser.call('GET', url);
        assert.equal(open.status, 200, open.text);
        const draft = await browser.call('PUT', `${url}/draft`, {
          json: { answers: { company_name: 'Acme Processes Ltd' } },
        });
        assert.equal(draft.status, 200, draft.text);
        const wrong = await browser.call('POST', `${url}/submit`, {
          json: { answers: { company_name: 'Acme Processes Ltd', employees: 'many', no_such_question: 1 } },
        });
        assert.equal(wrong.status, 400, wrong.text);
        const paths = (wrong.json().errors as { path: string }[]).map((e) => e.path);
        assert.ok(
          paths.includes('/answers/employees') && paths.includes('/answers/no_such_question'),
          paths.join(),
        );
        const again = await browser.call('GET', url);
        assert.deepEqual(
          again.json().draft.answers,
          { company_name: 'Acme Processes Ltd' },
          'the draft is kept',
        );

        const submitted = await browser.call('POST', `${url}/submit`, { json: { answers: validAnswers() } });
        assert.equal(submitted.status, 200, submitted.text);
        const seen = await p.staff('GET', `/api/v1/form-assignments/${assigned.json().id}`);
        assert.equal(seen.status, 200, seen.text);
        assert.equal(seen.json().status, 'submitted');
        assert.equal(seen.json().submittedBy.ref, `client:${client.userId}`);
        assert.equal(seen.json().submissions[0].version.version, 1);
        assert.equal(seen.json().submissions[0].answers.company_name, 'Acme Ltd');
      });

      it('the client uploads a PDF through the portal (streamed); staff see it scanned, encrypted, linked, by the client', async () => {
        // Sent in chunks without a declared length: streamed end to end.
        const chunks = [pdf.subarray(0, 200), pdf.subarray(200, 400), pdf.subarray(400)];
        const res = await browser.call('POST', uploadUrl(client), {
          body: Readable.from(chunks),
          headers: {
            'content-type': 'application/octet-stream',
            'x-file-name': encodeURIComponent('Passport – Ada.pdf'),
          },
        });
        assert.equal(res.status, 201, res.text);
        const view = res.json();
        documentId = view.id;
        assert.equal(view.filename, 'Passport – Ada.pdf');
        assert.equal(view.size, pdf.length);
        assert.equal(view.review, 'pending');
        assert.equal(view.uploadedByYourOrganisation, true);

        const list = await browser.call('GET', `/api/v1/applications/${client.applicationId}/documents`);
        assert.equal(list.status, 200, list.text);
        assert.deepEqual(
          list.json().items.map((d: { id: string }) => d.id),
          [documentId],
        );

        const staff = await p.staff('GET', `/api/v1/documents/${documentId}`);
        assert.equal(staff.status, 200, staff.text);
        const doc = staff.json().document;
        assert.equal(doc.file.uploadedBy, `client:${client.userId}`);
        assert.equal(doc.file.scan, 'clean');
        assert.match(String(doc.file.scanEngine), /ClamAV/i);
        assert.deepEqual(doc.applicationIds, [client.applicationId]);
        assert.equal(doc.validity, 'unchecked');
        const inApp = await p.staff('GET', `/api/v1/applications/${client.applicationId}/documents`);
        assert.deepEqual(
          inApp.json().items.map((d: { id: string }) => d.id),
          [documentId],
        );
        const download = await p.staff('GET', `/api/v1/documents/${documentId}/download`);
        assert.equal(download.status, 200);
        assert.deepEqual(download.body, pdf);

        // On the internal server's disk the file exists only encrypted.
        const stored = filesUnder(join(p.dataDir, 'documents')).map((f) => readFileSync(f));
        assert.ok(
          stored.some((b) => b.length > pdf.length),
          'the encrypted object is on disk',
        );
        for (const b of stored) {
          assert.equal(b.includes(Buffer.from(marker)), false);
          assert.equal(b.includes(Buffer.from('%PDF')), false);
        }
      });

      it('EICAR through the portal is refused (422 virus_detected) and nothing is stored', async () => {
        const before = await p.staff('GET', `/api/v1/applications/${client.applicationId}/documents`);
        const res = await browser.call('POST', uploadUrl(client, 'other'), {
          body: eicar(),
          headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'notes.txt' },
        });
        assert.equal(res.status, 422, res.text);
        assert.equal(res.json().reason, 'virus_detected');
        const after = await p.staff('GET', `/api/v1/applications/${client.applicationId}/documents`);
        assert.deepEqual(after.json().items, before.json().items);
      });

      it('the portal wrote nothing to disk: its data directory is unchanged and its TMPDIR empty', () => {
        assert.deepEqual(fileSnapshot(p.portalDir), portalDisk);
        assert.deepEqual(readdirSync(p.portalTmp), []);
      });

      it('the internal server killed: the portal answers 503 link_unavailable and stays up', async () => {
        await p.killInternal();
        const me = await browser.call('GET', '/api/v1/me');
        assert.equal(me.status, 503, me.text);
        assert.equal(me.json().reason, 'link_unavailable');
        const upload = await browser.call('POST', uploadUrl(client), {
          body: pdf,
          headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'again.pdf' },
        });
        assert.equal(upload.status, 503, upload.text);
        assert.equal(upload.json().reason, 'link_unavailable');
        const health = await browser.call('GET', '/healthz');
        assert.equal(health.status, 503);
        assert.deepEqual(health.json(), { status: 'degraded', link: 'down' });
        assert.equal(p.portal.exitCode, null, 'the portal process is still running');
        assert.equal((await browser.call('GET', '/api/v1/applications')).status, 503);
      });
    },
  );
}
