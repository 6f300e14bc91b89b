import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends, type TestDatabase } from '../../../test/support/db.ts';
import {
  createCompany,
  createPerson,
  createShareholding,
  leiFor,
} from '../../../test/support/factories-subjects.ts';
import { testCtx } from '../../../test/support/context.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { createRelationship } from './create-relationship.ts';
import { createSubject } from './create-subject.ts';
import { deleteRelationship } from './delete-relationship.ts';
import { getOwnership } from './get-ownership.ts';
import { getSubject } from './get-subject.ts';
import { identifierContext } from './subject.identifiers.ts';
import { updateSubject } from './update-subject.ts';

const PASSPORT = 'QX7731942';

/** Every byte and string of the given rows, as one searchable text. */
function dump(rows: object[]): string {
  return JSON.stringify(rows, (_k, v: unknown) =>
    v instanceof Uint8Array || (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer')
      ? Buffer.from(v as Uint8Array).toString('latin1')
      : v,
  );
}

async function rejects(p: Promise<unknown>, code: string): Promise<AppError> {
  const err = await p.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, String(err));
  assert.equal(err.code, code, err.message);
  return err;
}

for (const backend of backends) {
  describe(`subjects (database) [${backend.kind}]`, () => {
    let database: TestDatabase;
    let ctx: Ctx;
    before(async () => {
      database = await backend.open();
      ctx = testCtx(database.db, { rights: 'all' });
    });
    after(() => database.dispose());

    const auditOf = (id: string) =>
      database.db
        .selectFrom('audit_events')
        .select(['type', 'payload', 'actor'])
        .where('target_id', '=', id)
        .orderBy('seq')
        .execute();

    it('creates a person: row, encrypted identifier, audit event; the number is stored nowhere in plaintext', async () => {
      const person = await createPerson(ctx, {
        givenNames: 'Émilie',
        familyName: 'du Châtelet',
        dateOfBirth: '1976-12-17',
        identityDocuments: [
          {
            type: 'passport',
            number: PASSPORT,
            country: 'FR',
            issuedOn: '2020-01-01',
            expiresOn: '2030-01-01',
          },
        ],
      });
      const row = await database.db
        .selectFrom('subjects')
        .selectAll()
        .where('id', '=', person.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.kind, 'person');
      assert.equal(row.display_name, 'Émilie du Châtelet');
      assert.equal(row.name_key, 'chatelet du emilie');
      assert.equal(row.date_of_birth, '1976-12-17');
      assert.equal((row.profile as { familyName: string }).familyName, 'du Châtelet');
      assert.ok(!('identityDocuments' in row.profile));

      const ids = await database.db
        .selectFrom('subject_identifiers')
        .selectAll()
        .where('subject_id', '=', person.id)
        .execute();
      assert.equal(ids.length, 1);
      assert.equal(ids[0]!.type, 'passport');
      assert.equal(ctx.keyring.decryptField(ids[0]!.value_enc, identifierContext(person.id)), PASSPORT);
      assert.deepEqual(
        Buffer.from(ids[0]!.value_bidx),
        ctx.keyring.blindIndex('identity-document', `passport|FR|${PASSPORT}`),
      );
      assert.throws(() =>
        ctx.keyring.decryptField(
          ids[0]!.value_enc,
          identifierContext('00000000-0000-4000-8000-000000000000'),
        ),
      );

      const audit = await auditOf(person.id);
      assert.deepEqual(
        audit.map((a) => [a.type, a.payload, a.actor]),
        [['subject.created', { kind: 'person', programmeId: null, ignoredDuplicates: [] }, 'system:test']],
      );
      const everything = dump([
        row,
        ...ids,
        ...(await database.db.selectFrom('audit_events').selectAll().execute()),
      ]);
      assert.ok(!everything.includes(PASSPORT), 'passport number in plaintext');
      assert.ok(!everything.includes(PASSPORT.slice(2)), 'passport number digits in plaintext');
      assert.equal(person.identityDocuments![0]!.number, '••••1942');
      assert.equal(
        (await getSubject(ctx, { id: person.id, reveal: true })).identityDocuments![0]!.number,
        PASSPORT,
      );
    });

    it('refuses probable duplicates, then creates with ignoreDuplicates and audits the ids', async () => {
      const first = await createPerson(ctx, {
        givenNames: 'Grace',
        familyName: 'Hopper',
        dateOfBirth: '1976-12-09',
        identityDocuments: [{ type: 'national_id', number: 'US-555-01', country: 'US' }],
      });
      const count = async () =>
        (
          await database.db
            .selectFrom('subjects')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      const before = await count();
      const err = await rejects(
        createSubject(ctx, {
          kind: 'person',
          givenNames: 'HOPPER',
          familyName: 'grace',
          dateOfBirth: '1976-12-09',
          identityDocuments: [{ type: 'national_id', number: 'us 55501', country: 'US' }],
        }),
        'probable_duplicate',
      );
      assert.deepEqual(err.extra!['duplicates'], [
        {
          id: first.id,
          kind: 'person',
          displayName: 'Grace Hopper',
          reasons: ['identity_document', 'name_and_date_of_birth'],
        },
      ]);
      assert.equal(await count(), before, 'nothing created');
      // Same name, other date of birth, other document: not a duplicate.
      await createPerson(ctx, { givenNames: 'Grace', familyName: 'Hopper', dateOfBirth: '1950-01-01' });

      const { subject } = await createSubject(ctx, {
        kind: 'person',
        givenNames: 'Grace',
        familyName: 'Hopper',
        dateOfBirth: '1976-12-09',
        ignoreDuplicates: true,
      });
      const audit = await auditOf(subject.id);
      assert.deepEqual(audit[0]!.payload, {
        kind: 'person',
        programmeId: null,
        ignoredDuplicates: [first.id],
      });
    });

    it('finds entity duplicates by LEI, by registration number and by name in the jurisdiction', async () => {
      const lei = leiFor('5299001ENGINESAB00');
      const co = await createCompany(ctx, {
        registeredName: 'Babbage Holdings S.A.',
        registrationNumber: 'B 123 456',
        jurisdiction: 'LU',
        lei,
      });
      const err = await rejects(
        createSubject(ctx, {
          kind: 'entity',
          registeredName: 'Other name',
          registrationNumber: 'b123456',
          jurisdiction: 'LU',
          incorporationDate: '2001-01-01',
          lei,
        }),
        'probable_duplicate',
      );
      assert.deepEqual((err.extra!['duplicates'] as { reasons: string[] }[])[0]!.reasons, [
        'lei',
        'registration_number',
      ]);
      const byName = await rejects(
        createSubject(ctx, {
          kind: 'entity',
          registeredName: 'babbage holdings s a',
          registrationNumber: 'X1',
          jurisdiction: 'LU',
          incorporationDate: '2001-01-01',
        }),
        'probable_duplicate',
      );
      assert.deepEqual(byName.extra!['duplicates'], [
        {
          id: co.id,
          kind: 'entity',
          displayName: 'Babbage Holdings S.A.',
          reasons: ['name_and_jurisdiction'],
        },
      ]);
      await createCompany(ctx, {
        registeredName: 'Babbage Holdings S.A.',
        registrationNumber: 'X1',
        jurisdiction: 'US-DE',
      });
    });

    it('updates under optimistic locking, replaces identity documents, and audits field names only', async () => {
      const p = await createPerson(ctx, {
        givenNames: 'Alan',
        familyName: 'Turing',
        dateOfBirth: '1972-06-23',
      });
      const updated = await updateSubject(ctx, {
        id: p.id,
        version: 1,
        familyName: 'Mathison Turing',
        placeOfBirth: 'Maida Vale',
        identityDocuments: [{ type: 'driving_licence', number: 'TURIN706232AM9', country: 'GB' }],
      });
      assert.equal(updated.version, 2);
      assert.equal(updated.displayName, 'Alan Mathison Turing');
      assert.deepEqual(
        updated.identityDocuments!.map((d) => [d.type, d.number]),
        [['driving_licence', '••••2AM9']],
      );
      const row = await database.db
        .selectFrom('subjects')
        .selectAll()
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.name_key, 'alan mathison turing');
      assert.equal(row.version, 2);
      const audit = await auditOf(p.id);
      assert.deepEqual(audit.at(-1)!.payload, {
        fields: ['familyName', 'identityDocuments', 'placeOfBirth'],
        version: 2,
      });
      assert.ok(
        !dump(audit).includes('Maida') && !dump(audit).includes('TURIN706232AM9'),
        'no values in the audit trail',
      );

      await rejects(updateSubject(ctx, { id: p.id, version: 1, placeOfBirth: 'London' }), 'version_conflict');
      const cleared = await updateSubject(ctx, { id: p.id, version: 2, placeOfBirth: null });
      assert.equal(cleared.placeOfBirth, undefined);
      const same = await updateSubject(ctx, { id: p.id, version: 3, givenNames: 'Alan' });
      assert.equal(same.version, 3, 'no change, no new version');
      assert.equal((await auditOf(p.id)).length, 3);
      await rejects(updateSubject(ctx, { id: p.id, version: 3, lei: null }), 'validation');
      await rejects(
        updateSubject(ctx, { id: '00000000-0000-4000-8000-000000000000', version: 1 }),
        'not_found',
      );
    });

    it('relationships: rules, share cap, audit; ownership over the stored graph', async () => {
      const target = await createCompany(ctx);
      const holding = await createCompany(ctx);
      const alice = await createPerson(ctx, { givenNames: 'Alice' });
      const bob = await createPerson(ctx, { givenNames: 'Bob' });

      const r1 = await createShareholding(ctx, holding, target, 50);
      await createShareholding(ctx, alice, holding, 60);
      await createShareholding(ctx, alice, target, 10, 20);
      await rejects(createShareholding(ctx, bob, target, 40.0001), 'conflict');
      await rejects(createShareholding(ctx, alice, target, 1), 'conflict');
      await rejects(createShareholding(ctx, bob, alice, 10), 'validation');
      await rejects(createShareholding(ctx, bob, target, 1.00001), 'validation');
      await rejects(
        createRelationship(ctx, { fromSubjectId: holding.id, toSubjectId: target.id, kind: 'ubo' }),
        'validation',
      );
      await createRelationship(ctx, { fromSubjectId: bob.id, toSubjectId: target.id, kind: 'ubo' });
      const rel = await createRelationship(ctx, {
        fromSubjectId: bob.id,
        toSubjectId: target.id,
        kind: 'director',
        title: 'Chair',
      });

      const stored = await database.db
        .selectFrom('relationships')
        .selectAll()
        .where('id', '=', r1.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(stored.share_pct), 50);
      assert.deepEqual((await auditOf(r1.id))[0]!.payload, {
        from: holding.id,
        to: target.id,
        kind: 'shareholder',
        sharePct: 50,
        votingPct: null,
      });

      const own = await getOwnership(ctx, { id: target.id });
      assert.deepEqual(
        own.owners.map((o) => [o.displayName, o.directPct, o.effectivePct, o.effectiveVotingPct]),
        [
          [holding.displayName, 50, 50, 50],
          [alice.displayName, 10, 40, 50],
        ],
      );
      assert.deepEqual(
        own.uboCandidates.map((c) => [c.subjectId, c.reasons]),
        [
          [alice.id, ['effective_ownership', 'effective_voting']],
          [bob.id, ['declared_ubo']],
        ],
      );
      assert.equal(
        (await getOwnership(ctx, { id: target.id, threshold: 45 })).uboCandidates[0]!.reasons.join(),
        'effective_voting',
      );

      await deleteRelationship(ctx, { id: rel.id });
      assert.equal(
        await database.db
          .selectFrom('relationships')
          .select('id')
          .where('id', '=', rel.id)
          .executeTakeFirst(),
        undefined,
      );
      assert.deepEqual(
        (await auditOf(rel.id)).map((a) => a.type),
        ['relationship.created', 'relationship.deleted'],
      );
      await rejects(deleteRelationship(ctx, { id: rel.id }), 'not_found');
    });

    it('ownership loads cycles from the database without looping', async () => {
      const b = await createCompany(ctx);
      const c = await createCompany(ctx);
      const a = await createPerson(ctx);
      await createShareholding(ctx, a, b, 60);
      await createShareholding(ctx, b, c, 50);
      await createShareholding(ctx, c, b, 10);
      const own = await getOwnership(ctx, { id: c.id });
      assert.deepEqual(own.cycles, [[b.id, c.id].sort()]);
      assert.deepEqual(
        own.owners.map((o) => [o.subjectId, o.effectivePct]),
        [
          [b.id, 50],
          [a.id, 30],
        ],
      );
      assert.equal(own.uboCandidates[0]!.subjectId, a.id);
      assert.equal(own.truncated, false);
    });
  });
}
