/**
 * COT at the module level, on the real databases: a client actor handed to the staff use cases finds
 * nothing (it holds no right and no programme, and the COT entry points do not change that); the COT
 * use cases keep a client inside its organisation's applications and audit as the client.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../../test/support/db.ts';
import { testCtx } from '../../../../test/support/context.ts';
import { makeApplication } from '../../../../test/support/factories-applications.ts';
import { createCompany, createPerson } from '../../../../test/support/factories-subjects.ts';
import { createCtx, type Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import {
  addApplicationNote,
  addApplicationSubject,
  getApplication,
  listApplicationNotes,
  listApplications,
  removeApplicationSubject,
  shareApplicationNote,
} from '../../applications/index.ts';
import {
  createRelationship,
  createSubject,
  deleteRelationship,
  getOwnership,
  getSubject,
  listSubjects,
  updateSubject,
} from '../../subjects/index.ts';
import type { ClientActor } from '../client-session.ts';
import { createClientOrganisation, setApplicationClientOrganisation } from '../organisations.ts';
import { addClientParty } from './add-client-party.ts';
import { listClientParties } from './list-client-parties.ts';
import { updateClientParty } from './update-client-party.ts';

async function rejects(p: Promise<unknown>, code: string): Promise<AppError> {
  const err = await p.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, String(err));
  assert.equal(err.code, code, err.message);
  return err;
}

const person = (familyName: string) => ({
  kind: 'person' as const,
  givenNames: 'Clara',
  familyName,
  dateOfBirth: '1975-04-12',
  nationalities: ['FR'],
});

for (const backend of backends) {
  describe(`COT use cases and the staff use cases given a client actor [${backend.kind}]`, () => {
    let database: TestDatabase;
    let staff: Ctx;
    let client: Ctx & { actor: ClientActor };
    let actor: ClientActor;
    let appId: string;
    let programmeId: string;
    let mainId: string;

    before(async () => {
      database = await backend.open();
      staff = testCtx(database.db, { rights: 'all' });
      const org = await createClientOrganisation(staff, { name: `Org ${randomUUID().slice(0, 8)}` });
      const userId = randomUUID();
      await database.db
        .insertInto('client_users')
        .values({
          id: userId,
          organisation_id: org.id,
          username: `c${userId.slice(0, 8)}`,
          email: `c${userId.slice(0, 8)}@client.test`,
          display_name: 'Clara Client',
          role: 'owner',
          status: 'active',
          created_at: new Date(),
          updated_at: new Date(),
        })
        .execute();
      actor = {
        kind: 'client',
        id: userId,
        username: `c${userId.slice(0, 8)}`,
        organisationId: org.id,
        role: 'owner',
        sessionId: randomUUID(),
        secondFactorAt: new Date(),
        rights: new Set(),
        programmes: new Set(),
      };
      client = createCtx({ db: database.db, keyring: staff.keyring, actor }) as Ctx & { actor: ClientActor };
      const main = await createCompany(staff);
      mainId = main.id;
      const app = await makeApplication(staff, { applicantId: main.id });
      appId = app.id;
      programmeId = app.programme.id;
      await setApplicationClientOrganisation(staff, app.id, org.id);
    });
    after(() => database.dispose());

    it('a client actor given to the staff use cases finds nothing and changes nothing', async () => {
      const party = await addClientParty(client, actor, {
        applicationId: appId,
        subject: person('Martin'),
        roles: ['director'],
      });
      const shareholder = await addClientParty(client, actor, {
        applicationId: appId,
        subject: {
          kind: 'entity',
          registeredName: 'Holdco SARL',
          registrationNumber: 'B777001',
          jurisdiction: 'LU',
          incorporationDate: '2015-01-01',
        },
        roles: ['shareholder'],
        holding: { sharePct: 30 },
      });
      const [relationship] = await database.db
        .selectFrom('relationships')
        .select('id')
        .where('from_subject_id', '=', shareholder.id)
        .execute();
      const before = await database.db.selectFrom('audit_events').select('seq').execute();

      // Subjects: the client's own party, the application's main subject, another subject.
      for (const id of [party.id, mainId]) {
        await rejects(getSubject(client, { id }), 'not_found');
        await rejects(updateSubject(client, { id, version: 1, familyName: 'Changed' }), 'not_found');
        await rejects(getOwnership(client, { id }), 'not_found');
      }
      assert.equal((await listSubjects(client, { limit: 50 })).items.length, 0);
      const created = await rejects(
        createSubject(client, { ...person('Nobody'), programmeId }),
        'validation',
      );
      assert.match(JSON.stringify(created.extra), /programmeId/);
      await rejects(createSubject(client, person('Nobody')), 'validation');
      await rejects(
        createRelationship(client, { fromSubjectId: party.id, toSubjectId: mainId, kind: 'signatory' }),
        'not_found',
      );
      await rejects(deleteRelationship(client, { id: relationship!.id }), 'not_found');

      // Applications: not even the organisation's own application is visible to the staff use cases.
      await rejects(getApplication(client, appId), 'not_found');
      assert.equal((await listApplications(client, { limit: 50 })).items.length, 0);
      await rejects(
        addApplicationSubject(client, { id: appId, subjectId: party.id, role: 'ubo' }),
        'not_found',
      );
      await rejects(
        removeApplicationSubject(client, { id: appId, subjectId: party.id, role: 'director' }),
        'not_found',
      );
      await rejects(
        addApplicationNote(client, { id: appId, body: 'from a client', shared: true }),
        'not_found',
      );
      await rejects(listApplicationNotes(client, appId, { limit: 10 }), 'not_found');
      const note = await addApplicationNote(staff, { id: appId, body: 'internal' });
      await rejects(shareApplicationNote(client, { id: appId, noteId: note.id, shared: true }), 'not_found');

      const afterRows = await database.db.selectFrom('audit_events').select('seq').execute();
      assert.equal(afterRows.length, before.length + 1, 'only the staff note was written');
      assert.equal(
        (
          await database.db
            .selectFrom('application_notes')
            .select('shared_with_client')
            .where('id', '=', note.id)
            .executeTakeFirstOrThrow()
        ).shared_with_client,
        false,
      );
    });

    it('the COT use cases audit as the client and create the subject in the application programme', async () => {
      const view = await addClientParty(client, actor, {
        applicationId: appId,
        subject: person('Durand'),
        roles: ['ubo'],
        holding: { sharePct: 10 },
      });
      const row = await database.db
        .selectFrom('subjects')
        .select(['programme_id', 'display_name'])
        .where('id', '=', view.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.programme_id, programmeId);
      const events = await database.db
        .selectFrom('audit_events')
        .select(['type', 'actor'])
        .where('actor', '=', `client:${actor.id}`)
        .orderBy('seq', 'desc')
        .limit(5)
        .execute();
      assert.deepEqual(events.map((e) => e.type).reverse(), [
        'subject.created',
        'application.subject_added',
        'relationship.created',
        'relationship.created',
        'application.client_party_added',
      ]);
    });

    it('an application of another organisation, and a party of another application, do not exist', async () => {
      const other = await makeApplication(staff, { applicantId: (await createCompany(staff)).id });
      await rejects(listClientParties(client, actor, other.id), 'not_found');
      await rejects(
        addClientParty(client, actor, { applicationId: other.id, subject: person('X'), roles: ['director'] }),
        'not_found',
      );
      const stranger = await createPerson(staff);
      await rejects(
        updateClientParty(client, actor, { applicationId: appId, subjectId: stranger.id, version: 1 }),
        'not_found',
      );
      // The uppercase spelling of an id is the same id.
      const mine = (await listClientParties(client, actor, appId)).items.find(
        (p) => p.addedBy === 'organisation',
      )!;
      const same = await updateClientParty(client, actor, {
        applicationId: appId,
        subjectId: mine.id.toUpperCase(),
        version: mine.version,
      });
      assert.equal(same.id, mine.id);
    });
  });
}
