/**
 * Requests from compliance, end to end over the real mTLS link: staff ask organisation A for a
 * passport and an address update; A's users see the request in their task list; the owner answers
 * the fields item (applied to the subject, audited with the client as actor); a passport uploaded
 * through the staff documents API completes the document item; staff follow progress. Attacks:
 * organisation B with A's request and item ids (404), a read-only user changing (403), fields the
 * item does not ask for (400, nothing changed), a change without the CSRF token (403).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../support/db.ts';
import { samplePdf, uploadTo } from '../support/documents.ts';
import { startPortalStack, type ClientSession, type PortalStack } from '../support/portal.ts';

const HOME = { type: 'residential', lines: ['1 Old Street'], city: 'London', country: 'GB' };
const NEW_HOME = {
  type: 'residential',
  lines: ['22 New Road'],
  city: 'Leeds',
  postcode: 'LS1 4AB',
  country: 'GB',
};

for (const backend of backends) {
  describe(`requests from compliance on the portal (${backend.kind})`, () => {
    let s: PortalStack;
    let a: ClientSession;
    let aReader: ClientSession;
    let b: ClientSession;
    let appA: string;
    let appB: string;
    let subjectId: string;
    let requestId: string;
    let docItem: string;
    let fieldsItem: string;

    before(async () => {
      s = await startPortalStack(backend);
      a = await s.newClient('Acme Holdings', 'owner');
      aReader = await s.addClient(a.organisationId, 'read_only');
      b = await s.newClient('Borealis Ltd', 'owner');
      appA = await s.applicationFor(a.organisationId);
      appB = await s.applicationFor(b.organisationId);
      const created = await s.staffCall('POST', '/api/v1/subjects', {
        kind: 'person',
        givenNames: 'Ada',
        familyName: 'Lovelace',
        dateOfBirth: '1985-12-10',
        addresses: [HOME],
        ignoreDuplicates: true,
      });
      assert.equal(created.statusCode, 201, created.body);
      subjectId = created.json().subject.id;
      const added = await s.staffCall('POST', `/api/v1/applications/${appA}/subjects`, {
        subjectId,
        role: 'director',
      });
      assert.ok(added.statusCode < 300, added.body);
    });
    after(() => s?.close());

    const dueIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

    it('staff create a request; invalid items are refused with the item named', async () => {
      const notOnApp = await s.staffCall('POST', `/api/v1/applications/${appB}/client-requests`, {
        title: 'Periodic review',
        dueAt: dueIn(14),
        items: [{ kind: 'document', subjectId, documentType: 'passport' }],
      });
      assert.equal(notOnApp.statusCode, 400, notOnApp.body);
      assert.equal(notOnApp.json().errors[0].path, '/items/0/subjectId');
      const identity = await s.staffCall('POST', `/api/v1/applications/${appA}/client-requests`, {
        title: 'Periodic review',
        dueAt: dueIn(14),
        items: [{ kind: 'fields', subjectId, fields: ['familyName'] }],
      });
      assert.equal(identity.statusCode, 400, 'identity-critical fields cannot be asked of a client');
      const res = await s.staffCall('POST', `/api/v1/applications/${appA}/client-requests`, {
        title: 'Periodic review 2027',
        message: 'Please send a current passport and confirm your address.',
        dueAt: dueIn(14),
        items: [
          { kind: 'document', subjectId, documentType: 'passport' },
          { kind: 'fields', subjectId, fields: ['addresses', 'contact'] },
        ],
      });
      assert.equal(res.statusCode, 201, res.body);
      const r = res.json();
      requestId = r.id;
      docItem = r.items[0].id;
      fieldsItem = r.items[1].id;
      assert.deepEqual(r.progress, { complete: 0, total: 2 });
      assert.equal(r.status, 'open');
    });

    it("the client's task list and the application's missing items show the open items", async () => {
      const tasks = await s.portalCall('GET', '/api/v1/tasks', { as: aReader });
      assert.equal(tasks.statusCode, 200, tasks.body);
      const mine = tasks.json().requestItems.filter((i: { requestId: string }) => i.requestId === requestId);
      assert.deepEqual(
        mine.map((i: { itemId: string; kind: string; overdue: boolean }) => [i.itemId, i.kind, i.overdue]),
        [
          [docItem, 'document', false],
          [fieldsItem, 'fields', false],
        ],
      );
      assert.equal(mine[0].subject.displayName, 'Ada Lovelace');
      const missing = await s.portalCall('GET', `/api/v1/applications/${appA}/missing`, { as: a });
      assert.equal(missing.statusCode, 200, missing.body);
      assert.equal(missing.json().requestItems.length, 2);

      const list = await s.portalCall('GET', `/api/v1/applications/${appA}/requests`, { as: a });
      assert.equal(list.statusCode, 200, list.body);
      const [req] = list.json().items;
      assert.equal(req.title, 'Periodic review 2027');
      const fields = req.items.find((i: { id: string }) => i.id === fieldsItem);
      assert.equal(fields.abilities.answer, true);
      assert.deepEqual(fields.current.addresses, [HOME]);
      const asReader = await s.portalCall('GET', `/api/v1/applications/${appA}/requests/${requestId}`, {
        as: aReader,
      });
      const readerItem = asReader.json().items.find((i: { id: string }) => i.id === fieldsItem);
      assert.equal(readerItem.abilities.answer, false);
      assert.equal(readerItem.current, undefined, 'values on file only for those who may answer');
    });

    it("organisation B gets 404 for A's application, request and item ids, and never sees them", async () => {
      const body = { values: { addresses: [NEW_HOME], contact: {} } };
      for (const [method, url] of [
        ['GET', `/api/v1/applications/${appA}/requests`],
        ['GET', `/api/v1/applications/${appA}/requests/${requestId}`],
        ['GET', `/api/v1/applications/${appB}/requests/${requestId}`],
        ['GET', `/api/v1/applications/${appA}/missing`],
        ['PUT', `/api/v1/applications/${appA}/requests/${requestId}/items/${fieldsItem}`],
        ['PUT', `/api/v1/applications/${appB}/requests/${requestId}/items/${fieldsItem}`],
      ] as const) {
        const res = await s.portalCall(method, url, { as: b, ...(method === 'PUT' ? { body } : {}) });
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      }
      const tasks = await s.portalCall('GET', '/api/v1/tasks', { as: b });
      assert.equal(tasks.statusCode, 200);
      assert.ok(!tasks.body.includes(requestId) && !tasks.body.includes(appA));
    });

    it('a read-only user, a change without CSRF and fields not asked for are refused; nothing changes', async () => {
      const url = `/api/v1/applications/${appA}/requests/${requestId}/items/${fieldsItem}`;
      const good = { values: { addresses: [NEW_HOME], contact: { emails: ['ada@acme.test'] } } };
      const readOnly = await s.portalCall('PUT', url, { as: aReader, body: good });
      assert.equal(readOnly.statusCode, 403, readOnly.body);
      assert.equal(readOnly.json().reason, 'read_only');
      const noCsrf = await s.portalCall('PUT', url, { cookie: a.cookie, body: good });
      assert.equal(noCsrf.statusCode, 403, noCsrf.body);
      assert.equal(noCsrf.json().reason, 'csrf');
      const extra = await s.portalCall('PUT', url, {
        as: a,
        body: { values: { ...good.values, nationalities: ['FR'] } },
      });
      assert.equal(extra.statusCode, 400, extra.body);
      assert.deepEqual(
        extra.json().errors.map((e: { path: string }) => e.path),
        ['/values/nationalities'],
      );
      const identity = await s.portalCall('PUT', url, {
        as: a,
        body: { values: { ...good.values, familyName: 'Byron' } },
      });
      assert.equal(identity.statusCode, 400, identity.body);
      const short = await s.portalCall('PUT', url, { as: a, body: { values: { addresses: [NEW_HOME] } } });
      assert.equal(short.statusCode, 400, short.body);
      assert.deepEqual(
        short.json().errors.map((e: { path: string }) => e.path),
        ['/values/contact'],
      );
      const subject = await s.staffCall('GET', `/api/v1/subjects/${subjectId}`);
      assert.equal(subject.json().version, 1);
      assert.equal(subject.json().familyName, 'Lovelace');
      assert.deepEqual(subject.json().addresses, [HOME]);
    });

    it('the owner answers the fields item: staff see the change with the client as actor', async () => {
      const url = `/api/v1/applications/${appA}/requests/${requestId}/items/${fieldsItem}`;
      const res = await s.portalCall('PUT', url, {
        as: a,
        body: { values: { addresses: [NEW_HOME], contact: { emails: ['ada@acme.test'] } } },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().progress, { complete: 1, total: 2 });
      const again = await s.portalCall('PUT', url, {
        as: a,
        body: { values: { addresses: [HOME], contact: {} } },
      });
      assert.equal(again.statusCode, 409, 'answered once');

      const subject = await s.staffCall('GET', `/api/v1/subjects/${subjectId}`);
      assert.equal(subject.json().version, 2);
      assert.deepEqual(subject.json().addresses, [NEW_HOME]);
      assert.deepEqual(subject.json().contact.emails, ['ada@acme.test']);
      const audit = await s.staffCall('GET', `/api/v1/audit-events?targetId=${subjectId}&limit=10`);
      const events = audit.json().items as {
        type: string;
        actor: string;
        payload: Record<string, unknown>;
      }[];
      const updated = events.find((e) => e.type === 'subject.updated')!;
      assert.equal(updated.actor, `client:${a.userId}`);
      assert.deepEqual(updated.payload.fields, ['addresses', 'contact']);
      const answered = events.find((e) => e.type === 'client_request.item_answered')!;
      assert.equal(answered.actor, `client:${a.userId}`);
      assert.equal(answered.payload.requestId, requestId);
      assert.ok(!audit.body.includes('New Road'), 'values are not in the trail');
    });

    it('a document uploaded through the staff documents API completes the document item', async () => {
      const up = await uploadTo(
        s.t,
        `/api/v1/subjects/${subjectId}/documents`,
        { type: 'passport', applicationId: appA, expiryDate: '2035-01-01' },
        { name: 'passport.pdf', content: samplePdf('passport'), type: 'application/pdf' },
      );
      assert.equal(up.statusCode, 201, up.body);
      const staff = await s.staffCall('GET', `/api/v1/client-requests/${requestId}`);
      assert.equal(staff.statusCode, 200, staff.body);
      const r = staff.json();
      assert.equal(r.status, 'completed');
      assert.deepEqual(r.progress, { complete: 2, total: 2 });
      assert.equal(r.items[0].documentId, up.json().document.id);
      assert.equal(r.items[1].completedBy, `client:${a.userId}`);
      const list = await s.staffCall('GET', `/api/v1/client-requests?applicationId=${appA}&status=completed`);
      assert.deepEqual(
        list.json().items.map((x: { id: string }) => x.id),
        [requestId],
      );
      const tasks = await s.portalCall('GET', '/api/v1/tasks', { as: a });
      assert.ok(!tasks.body.includes(requestId), 'nothing left to do');
      const missing = await s.portalCall('GET', `/api/v1/applications/${appA}/missing`, { as: a });
      assert.deepEqual(missing.json().requestItems, []);
    });

    it('overdue requests are flagged to the client and filtered for staff; cancelled ones leave the task list', async () => {
      const late = await s.staffCall('POST', `/api/v1/applications/${appA}/client-requests`, {
        title: 'Proof of address',
        dueAt: dueIn(2),
        items: [{ kind: 'document', subjectId, documentType: 'proof_of_address' }],
      });
      assert.equal(late.statusCode, 201, late.body);
      const lateId = late.json().id as string;
      // Time passes: the due date is now behind us.
      await s.t.database.db
        .updateTable('client_requests')
        .set({ due_at: new Date(Date.now() - 3_600_000) })
        .where('id', '=', lateId)
        .execute();
      const tasks = await s.portalCall('GET', '/api/v1/tasks', { as: a });
      const item = tasks.json().requestItems.find((i: { requestId: string }) => i.requestId === lateId);
      assert.equal(item.overdue, true);
      const overdue = await s.staffCall('GET', `/api/v1/client-requests?overdue=true&applicationId=${appA}`);
      assert.deepEqual(
        overdue.json().items.map((x: { id: string }) => x.id),
        [lateId],
      );
      const cancelled = await s.staffCall('POST', `/api/v1/client-requests/${lateId}/cancel`, {
        reason: 'received by post',
      });
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      assert.equal(cancelled.json().status, 'cancelled');
      const after = await s.portalCall('GET', '/api/v1/tasks', { as: a });
      assert.ok(!after.body.includes(lateId));
      const seen = await s.portalCall('GET', `/api/v1/applications/${appA}/requests/${lateId}`, { as: a });
      assert.equal(seen.json().status, 'cancelled');
      const twice = await s.staffCall('POST', `/api/v1/client-requests/${lateId}/cancel`, {});
      assert.equal(twice.statusCode, 409);
    });
  });
}
