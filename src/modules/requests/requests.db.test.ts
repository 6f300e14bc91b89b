/**
 * Requests from compliance on both databases, with a controlled clock: creation rules (nothing
 * stored on a refusal), completion computed from documents, a client's answer applied to the
 * subject with the client as actor, and the periodic task: reminders on the right day and never
 * twice, the overdue flag audited once, nothing for completed or cancelled requests.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { testCtx } from '../../../test/support/context.ts';
import { makeApplication } from '../../../test/support/factories-applications.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { createDevOutboxMailer, type DevOutboxMailer } from '../../platform/mail/index.ts';
import { createClientOrganisation, createClientUser, type ClientActor } from '../clients/index.ts';
import { kycForm, validAnswers } from '../forms/definition/form-fixtures.ts';
import { createForm, publishFormDraft, submitClientForm } from '../forms/index.ts';
import { createSubject } from '../subjects/create-subject.ts';
import { getMissing } from './get-missing.ts';
import { answerFieldsItem } from './answer-fields-item.ts';
import { cancelRequest } from './cancel-request.ts';
import { createRequest } from './create-request.ts';
import { getClientRequest } from './get-client-request.ts';
import { getRequest } from './get-request.ts';
import { listClientTasks } from './list-client-tasks.ts';
import { listRequests } from './list-requests.ts';
import { sendRequestReminders } from './send-request-reminders.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The AppError a promise rejects with (or fails the test). */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  assert.fail('expected a refusal');
}

for (const backend of backends) {
  describe(`client requests [${backend.kind}]`, () => {
    let database: TestDatabase;
    let clock: number;
    let ctx: Ctx;
    let mailer: DevOutboxMailer;
    const deps = () => ({
      db: database.db,
      mailer,
      portalUrl: 'https://portal.example.test',
      firmName: 'Example Bank',
    });

    before(async () => {
      database = await backend.open();
      clock = Date.parse('2027-03-01T09:00:00Z');
      ctx = testCtx(database.db, { rights: 'all', now: () => new Date(clock) });
    });
    after(() => database.dispose());
    beforeEach(() => {
      mailer = createDevOutboxMailer({});
    });

    let orgCounter = 0;
    /** An organisation with an active owner, an active read-only user, an invited and a disabled user; an application with a person. */
    async function fixture() {
      const org = await createClientOrganisation(ctx, { name: `Org ${++orgCounter} ${randomUUID()}` });
      const user = async (
        role: 'owner' | 'contributor' | 'read_only',
        status: 'active' | 'invited' | 'disabled',
      ) => {
        const tag = randomUUID().slice(0, 8);
        const u = await createClientUser(ctx, {
          organisationId: org.id,
          username: `c${tag}`,
          email: `c${tag}@client.test`,
          displayName: `Client ${tag}`,
          role,
        });
        await database.db.updateTable('client_users').set({ status }).where('id', '=', u.id).execute();
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
      const owner = await user('owner', 'active');
      const reader = await user('read_only', 'active');
      const invited = await user('contributor', 'invited');
      const disabled = await user('contributor', 'disabled');
      const { subject } = await createSubject(ctx, {
        kind: 'person',
        givenNames: 'Ada',
        familyName: `Lovelace ${randomUUID().slice(0, 6)}`,
        dateOfBirth: '1985-12-10',
        nationalities: ['GB'],
        addresses: [{ type: 'residential', lines: ['1 Old Street'], city: 'London', country: 'GB' }],
        ignoreDuplicates: true,
      });
      const app = await makeApplication(ctx, { applicantId: subject.id });
      await database.db
        .updateTable('applications')
        .set({ client_organisation_id: org.id })
        .where('id', '=', app.id)
        .execute();
      return { org, owner, reader, invited, disabled, subject, app };
    }

    async function insertDocument(
      f: Awaited<ReturnType<typeof fixture>>,
      type: string,
      at: Date,
      opts: { link?: boolean; subjectId?: string } = {},
    ) {
      const id = randomUUID();
      await database.db
        .insertInto('documents')
        .values({
          id,
          subject_id: opts.subjectId ?? f.subject.id,
          programme_id: f.app.programme.id,
          document_type: type,
          created_by: `client:${f.owner.id}`,
          created_at: at,
          updated_at: at,
        })
        .execute();
      if (opts.link !== false)
        await database.db
          .insertInto('application_documents')
          .values({ application_id: f.app.id, document_id: id, added_by: 'system:test', added_at: at })
          .execute();
      return id;
    }

    const auditCount = async (type: string, targetId: string) =>
      (
        await database.db
          .selectFrom('audit_events')
          .select('id')
          .where('type', '=', type)
          .where('target_id', '=', targetId)
          .execute()
      ).length;

    it('refuses bad items with the item named, and stores nothing', async () => {
      const f = await fixture();
      const other = await fixture();
      const dueAt = new Date(clock + 10 * DAY).toISOString();
      const before = await database.db.selectFrom('client_requests').select('id').execute();
      const cases: [unknown[], string][] = [
        [[{ kind: 'document', subjectId: other.subject.id, documentType: 'passport' }], '/items/0/subjectId'],
        [
          [{ kind: 'document', subjectId: f.subject.id, documentType: 'registry_extract' }],
          '/items/0/documentType',
        ],
        [
          [{ kind: 'fields', subjectId: f.subject.id, fields: ['addresses', 'tradingNames'] }],
          '/items/0/fields/1',
        ],
      ];
      for (const [items, path] of cases) {
        const err = await refusal(
          createRequest(ctx, { applicationId: f.app.id, title: 'Review', dueAt, items: items as never }),
        );
        assert.equal(err.code, 'validation');
        assert.deepEqual(
          (err.extra?.['errors'] as { path: string }[]).map((e) => e.path),
          [path],
        );
      }
      const past = await refusal(
        createRequest(ctx, {
          applicationId: f.app.id,
          title: 'Review',
          dueAt: new Date(clock - 1000).toISOString(),
          items: [{ kind: 'document', subjectId: f.subject.id, documentType: 'passport' }],
        }),
      );
      assert.equal(past.code, 'validation');
      const noOrg = await makeApplication(ctx, { applicantId: f.subject.id });
      const conflict = await refusal(
        createRequest(ctx, {
          applicationId: noOrg.id,
          title: 'Review',
          dueAt,
          items: [{ kind: 'document', subjectId: f.subject.id, documentType: 'passport' }],
        }),
      );
      assert.equal(conflict.extra?.['reason'], 'no_client_organisation');
      assert.equal(
        (await database.db.selectFrom('client_requests').select('id').execute()).length,
        before.length,
      );
    });

    it('a document item completes only with a matching document created after the request, linked to the application', async () => {
      const f = await fixture();
      await insertDocument(f, 'passport', new Date(clock - HOUR)); // before the request
      const r = await createRequest(ctx, {
        applicationId: f.app.id,
        title: 'Periodic review',
        dueAt: new Date(clock + 10 * DAY).toISOString(),
        items: [
          { kind: 'document', subjectId: f.subject.id, documentType: 'passport' },
          { kind: 'document', subjectId: f.subject.id, documentType: 'proof_of_address' },
        ],
      });
      assert.deepEqual(r.progress, { complete: 0, total: 2 });
      clock += HOUR;
      await insertDocument(f, 'passport', new Date(clock), { link: false }); // not linked
      await insertDocument(f, 'other', new Date(clock)); // another type
      assert.deepEqual((await getRequest(ctx, r.id)).progress, { complete: 0, total: 2 });

      const passport = await insertDocument(f, 'passport', new Date(clock));
      const seen = await getRequest(ctx, r.id);
      assert.deepEqual(seen.progress, { complete: 1, total: 2 });
      assert.equal(seen.items[0]!.documentId, passport);
      assert.equal(seen.items[0]!.completedBy, `client:${f.owner.id}`);
      assert.equal(seen.status, 'open');
      await getRequest(ctx, r.id);
      assert.equal(await auditCount('client_request.item_completed', r.id), 1, 'recorded once');

      await insertDocument(f, 'proof_of_address', new Date(clock));
      const listed = await listRequests(ctx, { limit: 50, applicationId: f.app.id, status: 'completed' });
      assert.deepEqual(
        listed.items.map((x) => x.id),
        [r.id],
      );
      assert.equal(listed.items[0]!.progress.complete, 2);
      assert.equal(await auditCount('client_request.completed', r.id), 1);
    });

    it('a client answers a fields item: values applied with the client as actor; refusals change nothing', async () => {
      const f = await fixture();
      const other = await fixture();
      const r = await createRequest(ctx, {
        applicationId: f.app.id,
        title: 'Update your address',
        dueAt: new Date(clock + 10 * DAY).toISOString(),
        items: [{ kind: 'fields', subjectId: f.subject.id, fields: ['addresses'] }],
      });
      const itemId = r.items[0]!.id;
      const newAddress = [
        { type: 'residential' as const, lines: ['2 New Road'], city: 'Leeds', country: 'GB' },
      ];
      const input = { applicationId: f.app.id, requestId: r.id, itemId, values: { addresses: newAddress } };

      assert.equal((await refusal(answerFieldsItem(ctx, other.owner.actor, input))).code, 'not_found');
      const readOnly = await refusal(answerFieldsItem(ctx, f.reader.actor, input));
      assert.equal(readOnly.extra?.['reason'], 'read_only');
      const extra = await refusal(
        answerFieldsItem(ctx, f.owner.actor, {
          ...input,
          values: { addresses: newAddress, nationalities: ['FR'] },
        }),
      );
      assert.deepEqual(
        (extra.extra?.['errors'] as { path: string }[]).map((e) => e.path),
        ['/values/nationalities'],
      );
      const missing = await refusal(
        answerFieldsItem(ctx, f.owner.actor, { ...input, values: { contact: {} } }),
      );
      assert.deepEqual((missing.extra?.['errors'] as { path: string }[]).map((e) => e.path).sort(), [
        '/values/addresses',
        '/values/contact',
      ]);
      const badCountry = await refusal(
        answerFieldsItem(ctx, f.owner.actor, {
          ...input,
          values: { addresses: [{ ...newAddress[0]!, country: 'QQ' }] },
        }),
      );
      assert.equal(badCountry.code, 'validation');
      assert.ok(
        (badCountry.extra?.['errors'] as { path: string }[])[0]!.path.startsWith('/values/addresses'),
      );
      const untouched = await database.db
        .selectFrom('subjects')
        .select(['version', 'profile'])
        .where('id', '=', f.subject.id)
        .executeTakeFirstOrThrow();
      assert.equal(untouched.version, 1);

      const answered = await answerFieldsItem(ctx, f.owner.actor, input);
      assert.equal(answered.status, 'completed');
      assert.equal(answered.items[0]!.complete, true);
      const row = await database.db
        .selectFrom('subjects')
        .select(['version', 'profile'])
        .where('id', '=', f.subject.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.version, 2);
      assert.deepEqual((row.profile as { addresses: unknown }).addresses, newAddress);
      const events = await database.db
        .selectFrom('audit_events')
        .select(['type', 'actor', 'payload'])
        .where('target_id', '=', f.subject.id)
        .where('type', 'in', ['subject.updated', 'client_request.item_answered'])
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        events.map((e) => [e.type, e.actor]),
        [
          ['subject.updated', `client:${f.owner.id}`],
          ['client_request.item_answered', `client:${f.owner.id}`],
        ],
      );
      assert.deepEqual(events[1]!.payload, {
        requestId: r.id,
        itemId,
        fields: ['addresses'],
        subjectVersion: 2,
      });
      assert.ok(!JSON.stringify(events).includes('New Road'), 'no values in the trail');
      const again = await refusal(answerFieldsItem(ctx, f.owner.actor, input));
      assert.equal(again.code, 'conflict');
    });

    it('another organisation cannot see the request or its application', async () => {
      const f = await fixture();
      const other = await fixture();
      const r = await createRequest(ctx, {
        applicationId: f.app.id,
        title: 'Review',
        dueAt: new Date(clock + 10 * DAY).toISOString(),
        items: [{ kind: 'document', subjectId: f.subject.id, documentType: 'passport' }],
      });
      // B's own application with A's request id: still not found.
      const err = await refusal(
        getClientRequest(ctx, other.owner.actor, { applicationId: other.app.id, requestId: r.id }),
      );
      assert.equal(err.code, 'not_found');
      const tasks = await listClientTasks(ctx, other.owner.actor);
      assert.ok(!tasks.requestItems.some((i) => i.requestId === r.id));
      const mine = await listClientTasks(ctx, f.reader.actor);
      assert.deepEqual(
        mine.requestItems.map((i) => [i.requestId, i.kind, i.overdue]),
        [[r.id, 'document', false]],
      );
    });

    it('a questionnaire item assigns the form in the same transaction and completes on submission', async () => {
      const f = await fixture();
      const form = await createForm(ctx, {
        programmeId: f.app.programme.id,
        key: 'kyc-entity',
        title: 'Company onboarding',
        definition: kycForm(),
      });
      // A draft-only form cannot be assigned: the whole request is refused, nothing stored.
      const before = (await database.db.selectFrom('form_assignments').select('id').execute()).length;
      const unpublished = await refusal(
        createRequest(ctx, {
          applicationId: f.app.id,
          title: 'Questionnaire',
          dueAt: new Date(clock + 10 * DAY).toISOString(),
          items: [
            { kind: 'document', subjectId: f.subject.id, documentType: 'passport' },
            { kind: 'questionnaire', formId: form.id },
          ],
        }),
      );
      assert.equal(unpublished.extra?.['reason'], 'not_published');
      const unknown = await refusal(
        createRequest(ctx, {
          applicationId: f.app.id,
          title: 'Questionnaire',
          dueAt: new Date(clock + 10 * DAY).toISOString(),
          items: [{ kind: 'questionnaire', formId: randomUUID() }],
        }),
      );
      assert.deepEqual(
        (unknown.extra?.['errors'] as { path: string }[]).map((e) => e.path),
        ['/items/0/formId'],
      );
      assert.equal((await database.db.selectFrom('form_assignments').select('id').execute()).length, before);

      await publishFormDraft(ctx, form.id);
      // The first item's assignment is rolled back with the request when the second is refused.
      const second = await refusal(
        createRequest(ctx, {
          applicationId: f.app.id,
          title: 'Questionnaire',
          dueAt: new Date(clock + 10 * DAY).toISOString(),
          items: [
            { kind: 'questionnaire', formId: form.id },
            { kind: 'questionnaire', formId: randomUUID() },
          ],
        }),
      );
      assert.deepEqual(
        (second.extra?.['errors'] as { path: string }[]).map((e) => e.path),
        ['/items/1/formId'],
      );
      assert.equal((await database.db.selectFrom('form_assignments').select('id').execute()).length, before);
      const r = await createRequest(ctx, {
        applicationId: f.app.id,
        title: 'Questionnaire',
        dueAt: new Date(clock + 10 * DAY).toISOString(),
        items: [{ kind: 'questionnaire', formId: form.id }],
      });
      const assignmentId = r.items[0]!.formAssignmentId!;
      const assignment = await database.db
        .selectFrom('form_assignments')
        .select(['application_id', 'form_id', 'status', 'due_at'])
        .where('id', '=', assignmentId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { ...assignment, due_at: assignment.due_at?.toISOString() },
        { application_id: f.app.id, form_id: form.id, status: 'open', due_at: r.dueAt },
      );
      const missing = await getMissing(ctx, f.reader.actor, f.app.id);
      assert.deepEqual(
        missing.requestItems.map((i) => i.kind),
        ['questionnaire'],
      );
      assert.deepEqual(
        missing.questionnaires.map((q) => [q.assignmentId, q.requestId]),
        [[assignmentId, r.id]],
      );

      await submitClientForm(ctx, f.owner.actor, {
        applicationId: f.app.id,
        assignmentId,
        answers: validAnswers(),
      });
      const seen = await getRequest(ctx, r.id);
      assert.equal(seen.status, 'completed');
      assert.equal(seen.items[0]!.complete, true);
      const after = await getMissing(ctx, f.reader.actor, f.app.id);
      assert.equal(after.requestItems.length, 0);
      assert.equal(after.questionnaires.length, 0);
    });

    it('reminders: 7 days and 1 day before, then one overdue notice; each once; only active users', async () => {
      const f = await fixture();
      const due = clock + 10 * DAY;
      const r = await createRequest(ctx, {
        applicationId: f.app.id,
        title: 'Annual review 2027',
        dueAt: new Date(due).toISOString(),
        items: [{ kind: 'document', subjectId: f.subject.id, documentType: 'passport' }],
      });
      const run = (at: number) => sendRequestReminders(deps(), { now: new Date(at) });
      const mailsFor = () => mailer.messages().filter((m) => m.text.includes('Annual review 2027'));

      await run(due - 8 * DAY);
      assert.equal(mailsFor().length, 0, 'nothing 8 days before');
      await run(due - 7 * DAY + HOUR);
      assert.deepEqual(
        mailsFor()
          .map((m) => m.to)
          .sort(),
        [f.owner.email, f.reader.email].sort(),
      );
      const first = mailsFor()[0]!;
      const dueText = `${new Date(due).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      assert.ok(first.text.includes(`"Annual review 2027" is due on ${dueText}.`), first.text);
      assert.match(first.text, /https:\/\/portal\.example\.test\//);
      assert.ok(
        !first.text.includes('Lovelace') && !first.text.includes(f.app.reference),
        'no personal data',
      );
      await run(due - 7 * DAY + 2 * HOUR);
      await run(due - 2 * DAY);
      assert.equal(mailsFor().length, 2, 'the 7-day reminder is not sent twice');

      await run(due - DAY + HOUR);
      assert.equal(mailsFor().length, 4, 'the 1-day reminder');
      await run(due - HOUR);
      assert.equal(mailsFor().length, 4);
      assert.equal(await auditCount('client_request.overdue', r.id), 0);

      await run(due + HOUR);
      await run(due + 2 * HOUR);
      await run(due + 3 * DAY);
      assert.equal(mailsFor().length, 6, 'one overdue notice');
      assert.match(mailsFor().at(-1)!.text, /was due on .* and is not complete yet/);
      assert.equal(await auditCount('client_request.overdue', r.id), 1, 'flagged once');
      assert.equal(await auditCount('client_request.reminder_sent', r.id), 3);
      clock = due + 3 * DAY;
      const seen = await getRequest(ctx, r.id);
      assert.equal(seen.overdue, true);
      assert.ok(seen.overdueFlaggedAt);
      assert.deepEqual(
        seen.reminders.map((x) => [x.stage, x.recipients]),
        [
          ['before:7', 2],
          ['before:1', 2],
          ['overdue', 2],
        ],
      );
      const overdue = await listRequests(ctx, { limit: 50, applicationId: f.app.id, overdue: true });
      assert.deepEqual(
        overdue.items.map((x) => x.id),
        [r.id],
      );
      clock = Date.parse('2027-03-01T09:00:00Z');
    });

    it('a late request gets one reminder, not every stage it missed', async () => {
      const f = await fixture();
      const due = clock + 3 * DAY;
      const r = await createRequest(ctx, {
        applicationId: f.app.id,
        title: 'Short notice',
        dueAt: new Date(due).toISOString(),
        items: [{ kind: 'document', subjectId: f.subject.id, documentType: 'passport' }],
      });
      await sendRequestReminders(deps(), { now: new Date(clock + HOUR) });
      await sendRequestReminders(deps(), { now: new Date(clock + 2 * HOUR) });
      const seen = await getRequest(ctx, r.id);
      assert.deepEqual(
        seen.reminders.map((x) => x.stage),
        ['before:7'],
      );
      assert.equal(mailer.messages().filter((m) => m.text.includes('Short notice')).length, 2);
    });

    it('completed and cancelled requests get no reminders and are never flagged overdue', async () => {
      const f = await fixture();
      const due = clock + 10 * DAY;
      const done = await createRequest(ctx, {
        applicationId: f.app.id,
        title: 'Done before due',
        dueAt: new Date(due).toISOString(),
        items: [{ kind: 'document', subjectId: f.subject.id, documentType: 'passport' }],
      });
      const dropped = await createRequest(ctx, {
        applicationId: f.app.id,
        title: 'Dropped request',
        dueAt: new Date(due).toISOString(),
        items: [{ kind: 'document', subjectId: f.subject.id, documentType: 'proof_of_address' }],
      });
      await cancelRequest(ctx, { id: dropped.id, reason: 'not needed' });
      // The document arrives; nobody reads the request before the task runs: the task settles it.
      await insertDocument(f, 'passport', new Date(clock + HOUR));
      const result = await sendRequestReminders(deps(), { now: new Date(due - 7 * DAY + HOUR) });
      assert.ok(result.completed >= 1);
      await sendRequestReminders(deps(), { now: new Date(due + HOUR) });
      assert.equal(mailer.messages().filter((m) => /Done before due|Dropped request/.test(m.text)).length, 0);
      assert.equal((await getRequest(ctx, done.id)).status, 'completed');
      assert.equal(await auditCount('client_request.overdue', done.id), 0);
      assert.equal(await auditCount('client_request.overdue', dropped.id), 0);
      const err = await refusal(cancelRequest(ctx, { id: done.id }));
      assert.equal(err.extra?.['reason'], 'request_closed');
    });
  });
}
