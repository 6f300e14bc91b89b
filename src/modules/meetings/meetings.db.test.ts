/**
 * Meetings on both databases, with a controlled clock: scheduling rules (participants of the
 * application's organisation and programme only, https video links, a future start; nothing stored
 * on a refusal), answers by invited participants only, a reschedule resetting answers, the outcome
 * after the start (encrypted at rest) and evidence from the application's own documents.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../test/support/context.ts';
import { makeApplication, makeSubject } from '../../../test/support/factories-applications.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { createDevOutboxMailer, type DevOutboxMailer } from '../../platform/mail/index.ts';
import { createClientOrganisation, createClientUser, type ClientActor } from '../clients/index.ts';
import { setProgrammeMembers } from '../programmes/index.ts';
import { attachMeetingEvidence } from './attach-meeting-evidence.ts';
import { cancelMeeting } from './cancel-meeting.ts';
import { getMeeting } from './get-meeting.ts';
import { listClientMeetings } from './list-client-meetings.ts';
import { recordMeetingOutcome } from './record-meeting-outcome.ts';
import { rescheduleMeeting } from './reschedule-meeting.ts';
import { respondToMeeting } from './respond-to-meeting.ts';
import { scheduleMeeting } from './schedule-meeting.ts';

const DAY = 86_400_000;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  assert.fail('expected a refusal');
}
const paths = (err: AppError) => (err.extra?.['errors'] as { path: string }[]).map((e) => e.path);

for (const backend of backends) {
  describe(`meetings [${backend.kind}]`, () => {
    let database: TestDatabase;
    let clock: number;
    let ctx: Ctx;
    let mailer: DevOutboxMailer;
    const mail = () => ({
      mailer,
      portalUrl: 'https://portal.example.test',
      staffUrl: 'https://dossier.example.test',
      firmName: 'Example Bank',
    });

    before(async () => {
      database = await backend.open();
      clock = Date.parse('2027-05-03T08:00:00Z');
      ctx = testCtx(database.db, { rights: 'all', now: () => new Date(clock) });
    });
    after(() => database.dispose());
    beforeEach(() => {
      mailer = createDevOutboxMailer({});
    });

    async function organisation() {
      const org = await createClientOrganisation(ctx, { name: `Org ${randomUUID()}` });
      const user = async (role: ClientActor['role']) => {
        const tag = randomUUID().slice(0, 8);
        const u = await createClientUser(ctx, {
          organisationId: org.id,
          username: `m${tag}`,
          email: `m${tag}@client.test`,
          displayName: `Client ${tag}`,
          role,
        });
        const actor: ClientActor = {
          kind: 'client',
          id: u.id,
          username: u.username,
          organisationId: org.id,
          role,
          sessionId: randomUUID(),
          secondFactorAt: null,
          rights: new Set(),
          programmes: new Set(),
        };
        return { ...u, actor };
      };
      return {
        org,
        owner: await user('owner'),
        reader: await user('read_only'),
        other: await user('contributor'),
      };
    }

    async function fixture() {
      const a = await organisation();
      const b = await organisation();
      const app = await makeApplication(ctx);
      await database.db
        .updateTable('applications')
        .set({ client_organisation_id: a.org.id })
        .where('id', '=', app.id)
        .execute();
      const staffName = `st${randomUUID().slice(0, 8)}`;
      const staff = await insertStaffUser(database.db, staffName);
      const outsider = await insertStaffUser(database.db);
      await setProgrammeMembers(ctx, app.programme.id, [staff]);
      return { a, b, app, staff, staffEmail: `${staffName}@example.test`, outsider };
    }

    const body = (f: Awaited<ReturnType<typeof fixture>>) => ({
      applicationId: f.app.id,
      mode: 'video' as const,
      videoUrl: 'https://meet.example.test/r/abc',
      startsAt: new Date(clock + 2 * DAY).toISOString(),
      durationMinutes: 45,
      agenda: 'Periodic review',
      participants: { staffUserIds: [f.staff], clientUserIds: [f.a.owner.id, f.a.reader.id] },
    });

    it('refuses participants from elsewhere, bad links and past starts, and stores nothing', async () => {
      const f = await fixture();
      const count = async () => (await database.db.selectFrom('meetings').select('id').execute()).length;
      const before = await count();
      const wrongOrg = await refusal(
        scheduleMeeting(ctx, mail(), {
          ...body(f),
          participants: { staffUserIds: [f.outsider], clientUserIds: [f.a.owner.id, f.b.owner.id] },
        }),
      );
      assert.deepEqual(paths(wrongOrg), ['/participants/staffUserIds/0', '/participants/clientUserIds/1']);
      for (const videoUrl of [
        'http://meet.example.test/x',
        'https://user:pw@meet.example.test/x',
        'javascript:alert(1)',
      ])
        assert.deepEqual(paths(await refusal(scheduleMeeting(ctx, mail(), { ...body(f), videoUrl }))), [
          '/videoUrl',
        ]);
      const noPlace = await refusal(
        scheduleMeeting(ctx, mail(), { ...body(f), mode: 'in_person', videoUrl: undefined }),
      );
      assert.deepEqual(paths(noPlace), ['/location']);
      const past = await refusal(
        scheduleMeeting(ctx, mail(), { ...body(f), startsAt: new Date(clock - 1000).toISOString() }),
      );
      assert.deepEqual(paths(past), ['/startsAt']);
      assert.equal(await count(), before);
      assert.equal(mailer.messages().length, 0);
    });

    it('schedules, e-mails the participants without details, and audits ids only', async () => {
      const f = await fixture();
      const m = await scheduleMeeting(ctx, mail(), body(f));
      assert.equal(m.status, 'scheduled');
      assert.deepEqual(m.notifications, { sent: 3, failed: 0 });
      assert.deepEqual(m.participants.map((p) => [p.kind, p.response]).sort(), [
        ['client', 'pending'],
        ['client', 'pending'],
        ['staff', null],
      ]);
      const mails = mailer.messages();
      assert.deepEqual(
        mails.map((x) => x.to).sort(),
        [f.a.owner.email, f.a.reader.email, f.staffEmail].sort(),
      );
      for (const x of mails) {
        assert.ok(!x.text.includes('meet.example.test'), 'no video link in e-mails');
        assert.ok(!x.text.includes('Periodic review'), 'no agenda in e-mails');
        assert.match(x.text, /2027-05-05 08:00 UTC \(45 minutes, by video\)/);
      }
      const ev = await database.db
        .selectFrom('audit_events')
        .select(['type', 'payload'])
        .where('target_id', '=', m.id)
        .executeTakeFirstOrThrow();
      assert.equal(ev.type, 'meeting.scheduled');
      assert.deepEqual(ev.payload, {
        applicationId: f.app.id,
        mode: 'video',
        startsAt: m.startsAt,
        staffUserIds: [f.staff],
        clientUserIds: [f.a.owner.id, f.a.reader.id],
      });
    });

    it('invited participants answer (read-only included); others cannot; a new time resets answers', async () => {
      const f = await fixture();
      const m = await scheduleMeeting(ctx, mail(), body(f));
      const input = { applicationId: f.app.id, meetingId: m.id, response: 'confirmed' as const };
      const notInvited = await refusal(respondToMeeting(ctx, f.a.other.actor, input));
      assert.equal(notInvited.extra?.['reason'], 'not_participant');
      const otherOrg = await refusal(respondToMeeting(ctx, f.b.owner.actor, input));
      assert.equal(otherOrg.code, 'not_found');

      const mine = await respondToMeeting(ctx, f.a.reader.actor, {
        ...input,
        comment: 'I will bring my passport',
      });
      assert.equal(mine.myResponse?.response, 'confirmed');
      assert.equal(mine.myResponse?.comment, 'I will bring my passport');
      const stored = await database.db
        .selectFrom('meeting_participants')
        .select('comment_enc')
        .where('meeting_id', '=', m.id)
        .where('user_id', '=', f.a.reader.id)
        .executeTakeFirstOrThrow();
      assert.ok(
        !Buffer.from(stored.comment_enc!).toString('latin1').includes('passport'),
        'encrypted at rest',
      );
      const seenByOwner = (await listClientMeetings(ctx, f.a.owner.actor, f.app.id)).find(
        (x) => x.id === m.id,
      )!;
      assert.equal(seenByOwner.myResponse?.response, 'pending');
      assert.equal(seenByOwner.abilities.respond, true);
      assert.equal(seenByOwner.participants.find((p) => !p.me && p.kind === 'client')?.response, 'confirmed');
      assert.ok(
        !JSON.stringify(seenByOwner).includes('passport'),
        "another participant's comment is not shown",
      );
      const seenByOther = (await listClientMeetings(ctx, f.a.other.actor, f.app.id)).find(
        (x) => x.id === m.id,
      )!;
      assert.equal(seenByOther.myResponse, null);
      assert.equal(seenByOther.abilities.respond, false);
      assert.equal((await refusal(listClientMeetings(ctx, f.b.owner.actor, f.app.id))).code, 'not_found');

      const stale = await refusal(
        rescheduleMeeting(ctx, mail(), { id: m.id, version: 9, durationMinutes: 60 }),
      );
      assert.equal(stale.code, 'version_conflict');
      mailer = createDevOutboxMailer({});
      const moved = await rescheduleMeeting(ctx, mail(), {
        id: m.id,
        version: 1,
        startsAt: new Date(clock + 3 * DAY).toISOString(),
      });
      assert.equal(moved.version, 2);
      assert.ok(moved.participants.every((p) => p.kind === 'staff' || p.response === 'pending'));
      assert.equal(mailer.messages().length, 3);
      assert.match(mailer.messages()[0]!.subject, /meeting rescheduled/);
      const ev = await database.db
        .selectFrom('audit_events')
        .select('payload')
        .where('target_id', '=', m.id)
        .where('type', '=', 'meeting.rescheduled')
        .executeTakeFirstOrThrow();
      assert.deepEqual(ev.payload, {
        applicationId: f.app.id,
        fields: ['startsAt'],
        version: 2,
        responsesReset: true,
        added: [],
        removed: [],
      });
      const agendaOnly = await rescheduleMeeting(ctx, mail(), { id: m.id, version: 2, agenda: 'New agenda' });
      assert.equal(agendaOnly.version, 3);
      const unchanged = await rescheduleMeeting(ctx, mail(), { id: m.id, version: 3, agenda: 'New agenda' });
      assert.equal(unchanged.version, 3, 'no change, no new version');

      await cancelMeeting(ctx, mail(), { id: m.id, reason: 'client asked' });
      const closed = await refusal(respondToMeeting(ctx, f.a.owner.actor, input));
      assert.equal(closed.extra?.['reason'], 'meeting_closed');
    });

    it('the outcome is recorded after the start, once, encrypted; evidence only from the application', async () => {
      const f = await fixture();
      const m = await scheduleMeeting(ctx, mail(), body(f));
      const early = await refusal(
        recordMeetingOutcome(ctx, { id: m.id, status: 'held', outcome: 'Met Ada' }),
      );
      assert.equal(early.extra?.['reason'], 'meeting_not_started');

      const subject = f.app.subjects[0]!.id;
      const doc = async (applicationId: string | null) => {
        const id = randomUUID();
        const now = new Date(clock);
        await database.db
          .insertInto('documents')
          .values({
            id,
            subject_id: subject,
            programme_id: f.app.programme.id,
            document_type: 'other',
            created_by: 'system:test',
            created_at: now,
            updated_at: now,
          })
          .execute();
        if (applicationId)
          await database.db
            .insertInto('application_documents')
            .values({
              application_id: applicationId,
              document_id: id,
              added_by: 'system:test',
              added_at: now,
            })
            .execute();
        return id;
      };
      const mine = await doc(f.app.id);
      const otherApp = await makeApplication(ctx, { applicantId: (await makeSubject(database.db)).id });
      const elsewhere = await doc(otherApp.id);
      const unlinked = await doc(null);

      clock += 2 * DAY + 60_000;
      const held = await recordMeetingOutcome(ctx, {
        id: m.id,
        status: 'held',
        outcome: 'Met Ada Lovelace; passport seen in original.',
      });
      assert.equal(held.status, 'held');
      assert.equal(held.outcome?.text, 'Met Ada Lovelace; passport seen in original.');
      const row = await database.db
        .selectFrom('meetings')
        .select('outcome_enc')
        .where('id', '=', m.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.outcome_enc!).toString('latin1').includes('Lovelace'), 'encrypted at rest');
      assert.equal(
        (await refusal(recordMeetingOutcome(ctx, { id: m.id, status: 'no_show', outcome: 'x' }))).extra?.[
          'reason'
        ],
        'meeting_closed',
      );

      const bad = await refusal(
        attachMeetingEvidence(ctx, { id: m.id, documentIds: [mine, elsewhere, unlinked] }),
      );
      assert.deepEqual(paths(bad), ['/documentIds/1', '/documentIds/2']);
      assert.equal((await getMeeting(ctx, m.id)).evidence.length, 0, 'nothing attached');
      const ok = await attachMeetingEvidence(ctx, { id: m.id, documentIds: [mine] });
      assert.deepEqual(
        ok.evidence.map((e) => e.documentId),
        [mine],
      );
      await attachMeetingEvidence(ctx, { id: m.id, documentIds: [mine] });
      const events = await database.db
        .selectFrom('audit_events')
        .select(['type', 'payload'])
        .where('target_id', '=', m.id)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => e.type),
        ['meeting.scheduled', 'meeting.outcome_recorded', 'meeting.evidence_attached'],
      );
      assert.deepEqual(events[1]!.payload, { applicationId: f.app.id, status: 'held', length: 44 });
      assert.ok(!JSON.stringify(events).includes('Lovelace'));
      clock = Date.parse('2027-05-03T08:00:00Z');
    });
  });
}
