/**
 * Face-to-face meetings, end to end over the real mTLS link: staff schedule a video meeting with
 * organisation A's users and a staff member of the programme; A's invited users confirm or decline
 * on the portal; staff reschedule (answers reset), record the outcome after the start and attach a
 * document of the application as evidence; every step is in the audit trail. Attacks: a client user
 * of another organisation as participant (400), an http video link (400), a user of A who is not
 * invited answering (403), organisation B with A's ids (404), an answer without CSRF (403), a
 * document of another application as evidence (400).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setProgrammeMembers } from '../../src/modules/programmes/index.ts';
import { insertStaffUser } from '../support/context.ts';
import { backends } from '../support/db.ts';
import { samplePdf, uploadTo } from '../support/documents.ts';
import { startPortalStack, type ClientSession, type PortalStack } from '../support/portal.ts';

for (const backend of backends) {
  describe(`meetings on the portal (${backend.kind})`, () => {
    let s: PortalStack;
    let a: ClientSession;
    let aReader: ClientSession;
    let aOther: ClientSession;
    let b: ClientSession;
    let appA: string;
    let appB: string;
    let staffId: string;
    let meetingId: string;

    before(async () => {
      s = await startPortalStack(backend);
      a = await s.newClient('Acme Holdings', 'owner');
      aReader = await s.addClient(a.organisationId, 'read_only');
      aOther = await s.addClient(a.organisationId, 'contributor');
      b = await s.newClient('Borealis Ltd', 'owner');
      appA = await s.applicationFor(a.organisationId);
      appB = await s.applicationFor(b.organisationId);
      staffId = await insertStaffUser(s.t.database.db, 'meeting.officer');
      const app = await s.staffCall('GET', `/api/v1/applications/${appA}`);
      await setProgrammeMembers(s.t.ctx, app.json().programme.id, [staffId]);
    });
    after(() => s?.close());

    const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const meeting = (over: Record<string, unknown> = {}) => ({
      mode: 'video',
      videoUrl: 'https://meet.example.test/r/7f3a',
      startsAt: inHours(48),
      durationMinutes: 45,
      agenda: 'Periodic review: ownership and source of funds',
      participants: { staffUserIds: [staffId], clientUserIds: [a.userId, aReader.userId] },
      ...over,
    });

    it('refuses a participant of another organisation and a link that is not https; stores nothing', async () => {
      const url = `/api/v1/applications/${appA}/meetings`;
      const foreign = await s.staffCall(
        'POST',
        url,
        meeting({ participants: { staffUserIds: [], clientUserIds: [a.userId, b.userId] } }),
      );
      assert.equal(foreign.statusCode, 400, foreign.body);
      assert.deepEqual(
        foreign.json().errors.map((e: { path: string }) => e.path),
        ['/participants/clientUserIds/1'],
      );
      const http = await s.staffCall('POST', url, meeting({ videoUrl: 'http://meet.example.test/r/7f3a' }));
      assert.equal(http.statusCode, 400, http.body);
      const list = await s.staffCall('GET', `/api/v1/meetings?applicationId=${appA}`);
      assert.deepEqual(list.json().items, []);
    });

    it('staff schedule a meeting; participants are e-mailed without the details', async () => {
      const before = s.t.mailOutbox.messages().length;
      const res = await s.staffCall('POST', `/api/v1/applications/${appA}/meetings`, meeting());
      assert.equal(res.statusCode, 201, res.body);
      meetingId = res.json().id;
      assert.deepEqual(res.json().notifications, { sent: 3, failed: 0 });
      const mails = s.t.mailOutbox.messages().slice(before);
      assert.equal(mails.length, 3);
      for (const m of mails) {
        assert.ok(!m.text.includes('meet.example.test'), 'no video link in e-mails');
        assert.ok(!m.text.includes('source of funds'), 'no agenda in e-mails');
      }
    });

    it('any user of A sees the meeting; only invited participants may answer', async () => {
      const seen = await s.portalCall('GET', `/api/v1/applications/${appA}/meetings`, { as: aOther });
      assert.equal(seen.statusCode, 200, seen.body);
      const [m] = seen.json().items;
      assert.equal(m.id, meetingId);
      assert.equal(m.videoUrl, 'https://meet.example.test/r/7f3a');
      assert.equal(m.abilities.respond, false);
      assert.equal(m.myResponse, null);
      assert.equal(m.outcome, undefined);
      const refused = await s.portalCall(
        'POST',
        `/api/v1/applications/${appA}/meetings/${meetingId}/response`,
        {
          as: aOther,
          body: { response: 'confirmed' },
        },
      );
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().reason, 'not_participant');
      const tasks = await s.portalCall('GET', '/api/v1/tasks', { as: aReader });
      assert.deepEqual(
        tasks.json().meetings.map((x: { meetingId: string }) => x.meetingId),
        [meetingId],
      );
      const otherTasks = await s.portalCall('GET', '/api/v1/tasks', { as: aOther });
      assert.deepEqual(otherTasks.json().meetings, []);
    });

    it("organisation B gets 404 for A's application and meeting ids", async () => {
      const body = { response: 'confirmed' };
      for (const [method, url] of [
        ['GET', `/api/v1/applications/${appA}/meetings`],
        ['POST', `/api/v1/applications/${appA}/meetings/${meetingId}/response`],
        ['POST', `/api/v1/applications/${appB}/meetings/${meetingId}/response`],
      ] as const) {
        const res = await s.portalCall(method, url, { as: b, ...(method === 'POST' ? { body } : {}) });
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      }
      const mine = await s.portalCall('GET', `/api/v1/applications/${appB}/meetings`, { as: b });
      assert.deepEqual(mine.json().items, []);
    });

    it('participants confirm (read-only included) or decline; without CSRF the answer is refused', async () => {
      const url = `/api/v1/applications/${appA}/meetings/${meetingId}/response`;
      const noCsrf = await s.portalCall('POST', url, {
        cookie: aReader.cookie,
        body: { response: 'confirmed' },
      });
      assert.equal(noCsrf.statusCode, 403, noCsrf.body);
      assert.equal(noCsrf.json().reason, 'csrf');
      const ok = await s.portalCall('POST', url, {
        as: aReader,
        body: { response: 'confirmed', comment: 'I will join from the office' },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().myResponse.response, 'confirmed');
      const no = await s.portalCall('POST', url, {
        as: a,
        body: { response: 'declined', comment: 'Travelling' },
      });
      assert.equal(no.statusCode, 200, no.body);
      const bad = await s.portalCall('POST', url, { as: a, body: { response: 'maybe' } });
      assert.equal(bad.statusCode, 400);

      const staff = await s.staffCall('GET', `/api/v1/meetings/${meetingId}`);
      const answers = Object.fromEntries(
        staff
          .json()
          .participants.map((p: { userId: string; response: string; comment: string }) => [
            p.userId,
            [p.response, p.comment],
          ]),
      );
      assert.deepEqual(answers[aReader.userId], ['confirmed', 'I will join from the office']);
      assert.deepEqual(answers[a.userId], ['declined', 'Travelling']);
      assert.deepEqual(answers[staffId], [null, null]);
    });

    it('a new time resets the answers and e-mails the participants', async () => {
      const before = s.t.mailOutbox.messages().length;
      const res = await s.staffCall('PATCH', `/api/v1/meetings/${meetingId}`, {
        version: 1,
        startsAt: inHours(72),
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().version, 2);
      const clients = res.json().participants.filter((p: { kind: string }) => p.kind === 'client');
      assert.ok(clients.every((p: { response: string }) => p.response === 'pending'));
      assert.equal(s.t.mailOutbox.messages().length - before, 3);
      const stale = await s.staffCall('PATCH', `/api/v1/meetings/${meetingId}`, {
        version: 1,
        durationMinutes: 60,
      });
      assert.equal(stale.statusCode, 409);
      const confirm = await s.portalCall(
        'POST',
        `/api/v1/applications/${appA}/meetings/${meetingId}/response`,
        {
          as: a,
          body: { response: 'confirmed' },
        },
      );
      assert.equal(confirm.statusCode, 200, confirm.body);
    });

    it('the outcome is recorded after the start, with evidence from the application only; all audited', async () => {
      const early = await s.staffCall('POST', `/api/v1/meetings/${meetingId}/outcome`, {
        status: 'held',
        outcome: 'Discussed the ownership chart.',
      });
      assert.equal(early.statusCode, 409, early.body);
      assert.equal(early.json().reason, 'meeting_not_started');
      // The meeting takes place.
      await s.t.database.db
        .updateTable('meetings')
        .set({ starts_at: new Date(Date.now() - 3_600_000) })
        .where('id', '=', meetingId)
        .execute();
      const late = await s.portalCall('POST', `/api/v1/applications/${appA}/meetings/${meetingId}/response`, {
        as: a,
        body: { response: 'declined' },
      });
      assert.equal(late.statusCode, 409, 'no answers once it has started');

      const held = await s.staffCall('POST', `/api/v1/meetings/${meetingId}/outcome`, {
        status: 'held',
        outcome: 'Discussed the ownership chart; the director confirmed the source of funds.',
      });
      assert.equal(held.statusCode, 200, held.body);
      assert.equal(held.json().status, 'held');

      const upload = async (applicationId: string) => {
        const app = await s.staffCall('GET', `/api/v1/applications/${applicationId}`);
        const subjectId = app.json().subjects[0].id as string;
        const res = await uploadTo(
          s.t,
          `/api/v1/subjects/${subjectId}/documents`,
          { type: 'other', applicationId },
          { name: 'minutes.pdf', content: samplePdf('minutes'), type: 'application/pdf' },
        );
        assert.equal(res.statusCode, 201, res.body);
        return res.json().document.id as string;
      };
      const minutes = await upload(appA);
      const foreign = await upload(appB);
      const wrong = await s.staffCall('POST', `/api/v1/meetings/${meetingId}/evidence`, {
        documentIds: [minutes, foreign],
      });
      assert.equal(wrong.statusCode, 400, wrong.body);
      assert.deepEqual(
        wrong.json().errors.map((e: { path: string }) => e.path),
        ['/documentIds/1'],
      );
      const ok = await s.staffCall('POST', `/api/v1/meetings/${meetingId}/evidence`, {
        documentIds: [minutes],
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(
        ok.json().evidence.map((e: { documentId: string }) => e.documentId),
        [minutes],
      );

      const seen = await s.portalCall('GET', `/api/v1/applications/${appA}/meetings`, { as: a });
      assert.ok(!seen.body.includes('director confirmed'), 'the outcome is not shown to the client');

      const audit = await s.staffCall('GET', `/api/v1/audit-events?targetId=${meetingId}&limit=50`);
      const events = (audit.json().items as { type: string; actor: string }[]).reverse();
      assert.deepEqual(
        events.map((e) => e.type),
        [
          'meeting.scheduled',
          'meeting.confirmed',
          'meeting.declined',
          'meeting.rescheduled',
          'meeting.confirmed',
          'meeting.outcome_recorded',
          'meeting.evidence_attached',
        ],
      );
      assert.equal(events[1]!.actor, `client:${aReader.userId}`);
      assert.ok(!/office|Travelling|ownership chart/.test(audit.body), 'no free text in the trail');
    });
  });
}
