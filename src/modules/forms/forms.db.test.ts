import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import { insertStaffUser, testCtx } from '../../../test/support/context.ts';
import {
  auditOf,
  makeApplication,
  makeProgramme,
  makeSubject,
} from '../../../test/support/factories-applications.ts';
import { createCtx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { ALL_RIGHTS } from '../access/rights.ts';
import type { ClientActor } from '../clients/client-session.ts';
import { kycForm, validAnswers } from './definition/form-fixtures.ts';
import type { FormDefinition } from './definition/index.ts';
import {
  assignForm,
  cancelFormAssignment,
  createForm,
  diffFormVersions,
  getClientForm,
  getForm,
  getFormAssignment,
  isFormSubmittedSince,
  listClientForms,
  listFormAssignments,
  publishFormDraft,
  reopenFormAssignment,
  retireForm,
  saveClientFormDraft,
  saveFormAnswers,
  startFormDraft,
  submitClientForm,
  submitFormAnswers,
  updateFormDraft,
} from './index.ts';

/** The error a use case fails with: code, reason and the error paths (sorted). */
async function failure(p: Promise<unknown>): Promise<{ code: string; reason?: unknown; paths: string[] }> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const errors = (err.extra?.['errors'] as { path: string; code?: string }[] | undefined) ?? [];
    return {
      code: err.code,
      ...(err.extra?.['reason'] !== undefined ? { reason: err.extra['reason'] } : {}),
      paths: errors.map((e) => (e.code ? `${e.path} ${e.code}` : e.path)).sort(),
    };
  }
  assert.fail('expected a failure');
}

for (const backend of backends) {
  describe(`forms [${backend.kind}]`, () => {
    let database: TestDatabase;
    let ctx: Ctx;
    before(async () => {
      database = await backend.open();
      ctx = testCtx(database.db, { rights: 'all' });
    });
    after(() => database.dispose());

    /** A staff user's Ctx (a member of every programme unless told otherwise). */
    const staffCtx = async (programmes: 'all' | string[] = 'all') => {
      const id = await insertStaffUser(database.db);
      return createCtx({
        db: database.db,
        keyring: ctx.keyring,
        actor: {
          kind: 'staff',
          id,
          username: 'u',
          rights: new Set(ALL_RIGHTS),
          sessionId: randomUUID(),
          secondFactorAt: null,
          programmes: programmes === 'all' ? 'all' : new Set(programmes),
        },
      });
    };

    /** A published kyc-entity form of a new programme. */
    const publishedForm = async (programmeId?: string) => {
      const pid = programmeId ?? (await makeProgramme(ctx)).id;
      const form = await createForm(ctx, {
        programmeId: pid,
        key: 'kyc-entity',
        title: 'Company onboarding',
        definition: kycForm(),
      });
      await publishFormDraft(ctx, form.id);
      return { programmeId: pid, formId: form.id };
    };

    /** A client user of a new organisation, given the application. */
    const clientOf = async (
      applicationId: string,
      role: ClientActor['role'] = 'owner',
    ): Promise<{ actor: ClientActor; ctx: Ctx }> => {
      const orgId = randomUUID();
      const now = new Date();
      await database.db
        .insertInto('client_organisations')
        .values({ id: orgId, name: `Org ${orgId}`, status: 'active', created_at: now, updated_at: now })
        .execute();
      await database.db
        .updateTable('applications')
        .set({ client_organisation_id: orgId })
        .where('id', '=', applicationId)
        .execute();
      return clientIn(orgId, role);
    };
    const clientIn = async (organisationId: string, role: ClientActor['role']) => {
      const id = randomUUID();
      const now = new Date();
      await database.db
        .insertInto('client_users')
        .values({
          id,
          organisation_id: organisationId,
          username: `c${id.slice(0, 8)}`,
          email: `c${id.slice(0, 8)}@client.test`,
          display_name: `Client ${id.slice(0, 4)}`,
          role,
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .execute();
      const actor: ClientActor = {
        kind: 'client',
        id,
        username: 'c',
        organisationId,
        role,
        sessionId: randomUUID(),
        secondFactorAt: null,
        rights: new Set(),
        programmes: new Set(),
      };
      return { actor, ctx: createCtx({ db: database.db, keyring: ctx.keyring, actor }) };
    };

    it('create → edit draft → publish → new draft from the published one → diff → publish again', async () => {
      const programme = await makeProgramme(ctx);
      const staff = await staffCtx();
      const created = await createForm(staff, {
        programmeId: programme.id,
        key: 'kyc-entity',
        title: 'Company onboarding',
        definition: kycForm(),
      });
      assert.equal(created.draftVersion, 1);
      assert.equal(created.publishedVersion, null);
      assert.equal(created.createdBy.kind, 'staff');
      assert.deepEqual(
        created.versions.map((v) => [v.version, v.status]),
        [[1, 'draft']],
      );
      const edited = { ...kycForm(), title: 'Company onboarding (2026)' };
      const v1 = await updateFormDraft(staff, { id: created.id, definition: edited });
      assert.equal(v1.versions.length, 1, 'editing the draft does not add a version');
      assert.equal((v1.draft?.definition as FormDefinition).title, 'Company onboarding (2026)');

      const published = await publishFormDraft(staff, created.id);
      assert.equal(published.publishedVersion, 1);
      assert.equal(published.draft, null);
      assert.ok(published.versions[0]!.publishedAt);
      assert.equal(
        published.versions[0]!.publishedBy?.ref,
        `staff:${staff.actor.kind === 'staff' && staff.actor.id}`,
      );

      const started = await startFormDraft(staff, created.id);
      assert.equal(started.draftVersion, 2);
      assert.deepEqual(started.draft?.definition, published.published?.definition, 'v2 starts as v1');
      assert.equal((await failure(startFormDraft(staff, created.id))).reason, 'draft_exists');

      const v2 = structuredClone(edited);
      v2.fields.push({ key: 'website', kind: 'text', label: 'Website', required: false, format: 'url' });
      v2.fields[0] = { ...v2.fields[0]!, label: 'Registered name' } as FormDefinition['fields'][number];
      await updateFormDraft(staff, { id: created.id, definition: v2 });
      const diff = await diffFormVersions(staff, { id: created.id, from: 1, to: 2 });
      assert.deepEqual(diff.diff.added, [{ path: '/website', kind: 'text', label: 'Website' }]);
      assert.deepEqual(diff.diff.changed, [
        {
          path: '/company_name',
          changes: [{ property: 'label', before: 'Company name', after: 'Registered name' }],
        },
      ]);
      assert.deepEqual(diff.diff.removed, []);

      const again = await publishFormDraft(staff, created.id);
      assert.deepEqual(
        again.versions.map((v) => [v.version, v.status]),
        [
          [2, 'published'],
          [1, 'retired'],
        ],
      );
      assert.deepEqual(
        (await auditOf(database.db, created.id)).map((e) => e.type),
        [
          'form.created',
          'form.draft_updated',
          'form.published',
          'form.draft_updated',
          'form.draft_updated',
          'form.published',
        ],
      );
      const createdEvent = (await auditOf(database.db, created.id))[0]!;
      assert.deepEqual(createdEvent.payload, {
        programmeId: programme.id,
        key: 'kyc-entity',
        versionId: created.versions[0]!.id,
        fields: 17,
      });
    });

    it('an invalid definition is refused with the engine’s field-level errors and nothing is stored', async () => {
      const programme = await makeProgramme(ctx);
      const bad = {
        key: 'bad-form',
        title: 'Bad',
        fields: [
          { key: 'Name', kind: 'text', label: 'Name', required: true },
          { key: 'code', kind: 'text', label: 'Code', required: true, pattern: '^(a+)+$' },
          { key: 'age', kind: 'number', label: 'Age', required: 'yes' },
        ],
      };
      const r = await failure(
        createForm(ctx, { programmeId: programme.id, key: 'bad-form', title: 'Bad', definition: bad }),
      );
      assert.equal(r.code, 'validation');
      assert.equal(r.reason, 'invalid_definition');
      assert.deepEqual(r.paths, [
        '/definition/fields/0/key',
        '/definition/fields/1/pattern',
        '/definition/fields/2/required',
      ]);
      const mismatch = await failure(
        createForm(ctx, { programmeId: programme.id, key: 'other', title: 'X', definition: kycForm() }),
      );
      assert.deepEqual(mismatch.paths, ['/definition/key']);
      const rows = await database.db
        .selectFrom('forms')
        .select('id')
        .where('programme_id', '=', programme.id)
        .execute();
      assert.equal(rows.length, 0);

      // An invalid edit of a draft leaves the draft as it was.
      const form = await createForm(ctx, {
        programmeId: programme.id,
        key: 'kyc-entity',
        title: 'T',
        definition: kycForm(),
      });
      const before = await getForm(ctx, form.id);
      const edit = await failure(
        updateFormDraft(ctx, { id: form.id, definition: { ...kycForm(), fields: [] } }),
      );
      assert.deepEqual(edit.paths, ['/definition/fields']);
      assert.deepEqual((await getForm(ctx, form.id)).draft, before.draft);
      // The key is unique within the programme.
      const dup = await failure(
        createForm(ctx, { programmeId: programme.id, key: 'kyc-entity', title: 'T', definition: kycForm() }),
      );
      assert.deepEqual([dup.code, dup.reason], ['conflict', 'form_key_taken']);
    });

    it('a published version is immutable: editing opens the next version, and the database refuses changes', async () => {
      const { formId } = await publishedForm();
      const v1 = (await getForm(ctx, formId)).published!;
      const changed = { ...kycForm(), title: 'Changed' };
      const after = await updateFormDraft(ctx, { id: formId, definition: changed });
      assert.equal(after.draftVersion, 2, 'a new draft, not an edit of version 1');
      assert.deepEqual((await getForm(ctx, formId)).published, v1);
      await assert.rejects(
        sql`UPDATE form_versions SET definition = '{"key":"x"}'::jsonb WHERE id = ${v1.id}`.execute(
          database.db,
        ),
        /frozen/,
      );
      await assert.rejects(
        sql`UPDATE form_versions SET status = 'draft', published_at = NULL, published_by = NULL WHERE id = ${v1.id}`.execute(
          database.db,
        ),
        /frozen/,
      );
      await assert.rejects(sql`DELETE FROM form_versions WHERE id = ${v1.id}`.execute(database.db), /frozen/);
      assert.deepEqual((await getForm(ctx, formId)).published, v1);
    });

    it('a form is seen only by members of its programme; a retired form takes no draft or assignment', async () => {
      const { programmeId, formId } = await publishedForm();
      const outsider = await staffCtx([(await makeProgramme(ctx)).id]);
      for (const call of [
        () => getForm(outsider, formId),
        () => updateFormDraft(outsider, { id: formId, definition: kycForm() }),
        () => publishFormDraft(outsider, formId),
        () => retireForm(outsider, formId),
      ])
        assert.equal((await failure(call())).code, 'not_found');
      const app = await makeApplication(ctx, { programmeId });
      assert.equal(
        (await failure(assignForm(outsider, { applicationId: app.id, formId }))).code,
        'not_found',
      );
      const retired = await retireForm(ctx, formId);
      assert.ok(retired.retiredAt);
      assert.equal((await failure(startFormDraft(ctx, formId))).reason, 'form_retired');
      assert.equal(
        (await failure(assignForm(ctx, { applicationId: app.id, formId }))).reason,
        'form_retired',
      );
    });

    it('assigns only a published form of the application’s programme, about one of its subjects', async () => {
      const programme = await makeProgramme(ctx);
      const applicant = await makeSubject(database.db);
      const app = await makeApplication(ctx, { programmeId: programme.id, applicantId: applicant.id });
      const draftOnly = await createForm(ctx, {
        programmeId: programme.id,
        key: 'kyc-entity',
        title: 'T',
        definition: kycForm(),
      });
      assert.equal(
        (await failure(assignForm(ctx, { applicationId: app.id, formId: draftOnly.id }))).reason,
        'not_published',
      );
      const foreign = await publishedForm();
      assert.deepEqual(
        (await failure(assignForm(ctx, { applicationId: app.id, formId: foreign.formId }))).paths,
        ['/formId'],
      );
      await publishFormDraft(ctx, draftOnly.id);
      const stranger = await makeSubject(database.db);
      assert.deepEqual(
        (
          await failure(
            assignForm(ctx, { applicationId: app.id, formId: draftOnly.id, subjectId: stranger.id }),
          )
        ).paths,
        ['/subjectId'],
      );
      const due = new Date('2030-01-31T12:00:00.000Z');
      const { id } = await assignForm(ctx, {
        applicationId: app.id,
        formId: draftOnly.id,
        subjectId: applicant.id,
        dueAt: due,
      });
      const [listed] = await listFormAssignments(ctx, app.id);
      assert.equal(listed!.id, id);
      assert.equal(listed!.status, 'open');
      assert.equal(listed!.subjectId, applicant.id);
      assert.equal(listed!.dueAt, due.toISOString());
      assert.equal(listed!.version, null, 'pinned at the first save, not before');
      assert.deepEqual((await auditOf(database.db, app.id)).at(-1), {
        type: 'form.assigned',
        payload: {
          assignmentId: id,
          formId: draftOnly.id,
          subjectId: applicant.id,
          dueAt: due.toISOString(),
        },
      });
    });

    it('answers: draft pinned and encrypted, bad answers refused with nothing stored, submit, history, reopen', async () => {
      const { programmeId, formId } = await publishedForm();
      const app = await makeApplication(ctx, { programmeId });
      const staff = await staffCtx();
      const { id } = await assignForm(staff, { applicationId: app.id, formId });
      const v1 = (await getForm(ctx, formId)).published!;
      const assignedAt = new Date();

      const saved = await saveFormAnswers(staff, {
        id,
        answers: { company_name: '  Acme Ltd ', directors: [] },
      });
      assert.deepEqual([saved.version, saved.answerCount], [{ id: v1.id, version: 1 }, 1]);
      const draft = await database.db
        .selectFrom('form_drafts')
        .selectAll()
        .where('assignment_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(Buffer.from(draft.answers_enc).includes('Acme'), false, 'stored encrypted');

      // A new version published meanwhile: the assignment stays on version 1.
      await updateFormDraft(ctx, {
        id: formId,
        definition: {
          ...kycForm(),
          fields: [...kycForm().fields, { key: 'website', kind: 'text', label: 'W', required: false }],
        },
      });
      await publishFormDraft(ctx, formId);
      const pinned = await failure(saveFormAnswers(staff, { id, answers: { website: 'https://a.test' } }));
      assert.deepEqual(pinned.paths, ['/answers/website unknown_field']);

      // Wrong types, unknown and hidden questions: refused, the draft unchanged.
      const wrong = await failure(
        saveFormAnswers(staff, {
          id,
          answers: {
            employees: '12',
            nope: 1,
            sector: 'retail',
            sector_other: 'x',
            directors: [{ name: 3 }],
          },
        }),
      );
      assert.deepEqual(wrong, {
        code: 'validation',
        reason: 'invalid_answers',
        paths: [
          '/answers/directors/0/name type',
          '/answers/employees type',
          '/answers/nope unknown_field',
          '/answers/sector_other hidden_field',
        ],
      });
      const unchanged = await database.db
        .selectFrom('form_drafts')
        .selectAll()
        .where('assignment_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(unchanged, draft);

      // Submit checks required answers.
      const missing = await failure(submitFormAnswers(staff, { id, answers: { company_name: 'Acme' } }));
      assert.ok(missing.paths.includes('/answers/email required'), missing.paths.join());
      assert.ok(missing.paths.includes('/answers/directors required'));
      assert.equal(await isFormSubmittedSince(database.db, app.id, formId, assignedAt), false);

      const submitted = await submitFormAnswers(staff, { id, answers: validAnswers() });
      assert.equal(submitted.status, 'submitted');
      assert.equal(submitted.draft, null, 'the draft gives way to the submission');
      assert.deepEqual(submitted.version, { id: v1.id, version: 1 });
      const [s1] = submitted.submissions;
      assert.equal(s1!.submittedBy.kind, 'staff');
      assert.ok(s1!.submittedBy.name);
      assert.deepEqual(s1!.version, { id: v1.id, version: 1 });
      assert.equal((s1!.answers as Record<string, unknown>).company_name, 'Acme Ltd', 'normalised');
      assert.equal(submitted.submittedAt, s1!.submittedAt);
      assert.equal(await isFormSubmittedSince(database.db, app.id, formId, assignedAt), true);
      assert.equal(
        await isFormSubmittedSince(database.db, app.id, formId, new Date(Date.now() + 60_000)),
        false,
      );
      const stored = await database.db
        .selectFrom('form_submissions')
        .selectAll()
        .where('assignment_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(Buffer.from(stored.answers_enc).includes('Lovelace'), false);
      await assert.rejects(
        sql`UPDATE form_submissions SET answer_count = 0 WHERE id = ${stored.id}`.execute(database.db),
        /append-only/,
      );

      assert.equal((await failure(saveFormAnswers(staff, { id, answers: {} }))).reason, 'form_submitted');
      assert.equal((await failure(cancelFormAssignment(staff, id))).reason, 'form_submitted');

      const reopened = await reopenFormAssignment(staff, id);
      assert.equal(reopened.status, 'open');
      assert.equal(reopened.draft?.answerCount, s1!.answerCount, 'the draft starts from the submission');
      assert.equal(await isFormSubmittedSince(database.db, app.id, formId, assignedAt), false);
      const again = await submitFormAnswers(ctx, { id, answers: { ...validAnswers(), employees: 13 } });
      assert.equal(again.submissions.length, 2, 'a resubmission is a new row');
      assert.equal(again.submissions[0]!.submittedBy.ref, 'system:test');
      assert.equal((again.submissions[0]!.answers as Record<string, unknown>).employees, 13);
      assert.equal((again.submissions[1]!.answers as Record<string, unknown>).employees, 12);

      assert.deepEqual(
        (await auditOf(database.db, app.id)).filter((e) => e.type.startsWith('form.')).map((e) => e.type),
        ['form.assigned', 'form.draft_saved', 'form.submitted', 'form.assignment_reopened', 'form.submitted'],
      );
      const savedEvent = (await auditOf(database.db, app.id)).find((e) => e.type === 'form.draft_saved')!;
      assert.deepEqual(savedEvent.payload, { assignmentId: id, formId, versionId: v1.id, answerCount: 1 });
      assert.equal(JSON.stringify(await auditOf(database.db, app.id)).includes('Acme'), false);
    });

    it('cancelling discards the draft and refuses further answers', async () => {
      const { programmeId, formId } = await publishedForm();
      const app = await makeApplication(ctx, { programmeId });
      const { id } = await assignForm(ctx, { applicationId: app.id, formId });
      await saveFormAnswers(ctx, { id, answers: { company_name: 'Acme' } });
      const cancelled = await cancelFormAssignment(ctx, id);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.cancelledBy?.ref, 'system:test');
      assert.equal(cancelled.draft, null);
      assert.equal((await failure(saveFormAnswers(ctx, { id, answers: {} }))).reason, 'form_cancelled');
      assert.equal((await failure(cancelFormAssignment(ctx, id))).reason, 'form_cancelled');
    });

    it('clients: only their organisation’s questionnaires; read-only reads; a moved ciphertext does not decrypt', async () => {
      const { programmeId, formId } = await publishedForm();
      const appA = await makeApplication(ctx, { programmeId });
      const appB = await makeApplication(ctx, { programmeId });
      const a = await clientOf(appA.id);
      const b = await clientOf(appB.id);
      const reader = await clientIn(a.actor.organisationId, 'read_only');
      const { id: idA } = await assignForm(ctx, { applicationId: appA.id, formId });
      const { id: idB } = await assignForm(ctx, { applicationId: appB.id, formId });

      const list = await listClientForms(a.ctx, a.actor, appA.id);
      assert.deepEqual(
        list.map((x) => [x.id, x.title, x.status, x.version.version]),
        [[idA, 'Company onboarding', 'open', 1]],
      );
      await saveClientFormDraft(a.ctx, a.actor, {
        applicationId: appA.id,
        assignmentId: idA,
        answers: { company_name: 'A' },
      });
      const read = await getClientForm(reader.ctx, reader.actor, {
        applicationId: appA.id,
        assignmentId: idA,
      });
      assert.deepEqual(read.draft?.answers, { company_name: 'A' });
      assert.equal((read.definition as FormDefinition).key, 'kyc-entity');
      const staffView = await getFormAssignment(ctx, idA);
      assert.equal(staffView.draft?.savedBy.ref, `client:${a.actor.id}`);
      assert.match(staffView.draft?.savedBy.name ?? '', /^Client /);

      // Another organisation's ids: not found, whichever way they are combined.
      for (const call of [
        () => listClientForms(b.ctx, b.actor, appA.id),
        () => getClientForm(b.ctx, b.actor, { applicationId: appA.id, assignmentId: idA }),
        () => getClientForm(b.ctx, b.actor, { applicationId: appB.id, assignmentId: idA }),
        () => saveClientFormDraft(b.ctx, b.actor, { applicationId: appB.id, assignmentId: idA, answers: {} }),
        () =>
          submitClientForm(b.ctx, b.actor, {
            applicationId: appB.id,
            assignmentId: idA,
            answers: validAnswers(),
          }),
        () => saveClientFormDraft(b.ctx, b.actor, { applicationId: appA.id, assignmentId: idA, answers: {} }),
      ])
        assert.equal((await failure(call())).code, 'not_found');
      // A staff use case given a client actor finds nothing.
      assert.equal((await failure(getFormAssignment(a.ctx, idA))).code, 'not_found');
      assert.equal((await failure(assignForm(a.ctx, { applicationId: appA.id, formId }))).code, 'not_found');
      // Read-only users read but do not change.
      for (const call of [
        () =>
          saveClientFormDraft(reader.ctx, reader.actor, {
            applicationId: appA.id,
            assignmentId: idA,
            answers: {},
          }),
        () =>
          submitClientForm(reader.ctx, reader.actor, {
            applicationId: appA.id,
            assignmentId: idA,
            answers: validAnswers(),
          }),
      ])
        assert.deepEqual(await failure(call()), { code: 'forbidden', reason: 'read_only', paths: [] });

      // Swap two drafts' ciphertexts: each is bound to its row, so neither decrypts.
      await saveClientFormDraft(b.ctx, b.actor, {
        applicationId: appB.id,
        assignmentId: idB,
        answers: { company_name: 'B' },
      });
      const rows = await database.db
        .selectFrom('form_drafts')
        .select(['id', 'answers_enc'])
        .where('assignment_id', 'in', [idA, idB])
        .orderBy('assignment_id')
        .execute();
      await database.db
        .updateTable('form_drafts')
        .set({ answers_enc: rows[1]!.answers_enc })
        .where('id', '=', rows[0]!.id)
        .execute();
      await database.db
        .updateTable('form_drafts')
        .set({ answers_enc: rows[0]!.answers_enc })
        .where('id', '=', rows[1]!.id)
        .execute();
      assert.equal(
        (await failure(getClientForm(a.ctx, a.actor, { applicationId: appA.id, assignmentId: idA }))).code,
        'integrity_failure',
      );

      const done = await submitClientForm(a.ctx, a.actor, {
        applicationId: appA.id,
        assignmentId: idA,
        answers: validAnswers(),
      });
      assert.equal(done.status, 'submitted');
      assert.equal(done.draft, null);
      assert.equal((done.submission?.answers as Record<string, unknown>).company_name, 'Acme Ltd');
      const view = await getFormAssignment(ctx, idA);
      assert.equal(view.submittedBy?.ref, `client:${a.actor.id}`);
      assert.equal(view.submissions[0]!.submittedBy.kind, 'client');
    });
  });
}
