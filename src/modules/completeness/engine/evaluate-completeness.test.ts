import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defs, doc, entity, person, snapshot } from './completeness-fixtures.ts';
import { defaultRequirements } from './default-requirements.ts';
import { evaluateCompleteness, type MissingItem } from './evaluate-completeness.ts';
import { formatMissingItem } from './messages.ts';
import type { Requirement } from './requirements.schema.ts';
import { validateSnapshot, type CompletenessSnapshot } from './snapshot.ts';
import { validateRequirements } from './validate-requirements.ts';

const NOW = new Date('2026-06-15T12:00:00Z');
const TODAY = '2026-06-15';

const subjects = (roles: Requirement['scope']['roles'] = undefined): Requirement['scope'] =>
  roles ? { target: 'subjects', roles } : { target: 'subjects' };
const idDoc: Requirement = {
  id: 'id-doc',
  label: 'Identity document',
  scope: { target: 'subjects', entityTypes: ['person'] },
  kind: 'document',
  documentTypes: ['passport', 'national_id'],
};

/** Evaluates after checking that the fixture itself is well-formed, so a test never passes on a broken input. */
function run(requirements: Requirement[], snap: CompletenessSnapshot, now = NOW) {
  const d = defs(requirements);
  assert.deepEqual(validateRequirements(d), [], 'fixture requirements must be valid');
  assert.deepEqual(validateSnapshot(snap), [], 'fixture snapshot must be valid');
  return evaluateCompleteness(d, snap, now);
}
const reasons = (items: MissingItem[]) =>
  items.map((m) => `${m.requirementId}:${m.subjectId ?? '-'}:${m.reason}`);

describe('evaluateCompleteness: fields', () => {
  it('reports an empty field and accepts a present one', () => {
    const r: Requirement = {
      id: 'dob',
      label: 'Date of birth',
      scope: { target: 'subjects', entityTypes: ['person'] },
      kind: 'field',
      field: 'dateOfBirth',
    };
    const res = run([r], snapshot([person('p1'), person('p2', { presentFields: ['dateOfBirth'] })]));
    assert.deepEqual(reasons(res.missing), ['dob:p1:missing']);
    const [m] = res.missing;
    assert.equal(m!.key, 'dateOfBirth');
    assert.equal(m!.messageKey, 'completeness.field.missing');
    assert.equal(m!.entityType, 'person');
    assert.equal(res.complete, false);
    assert.deepEqual(
      res.checks.map((c) => [c.subjectId, c.outcome]),
      [
        ['p1', 'missing'],
        ['p2', 'met'],
      ],
    );
  });

  it('does not apply person requirements to legal entities', () => {
    const res = run([idDoc], snapshot([entity('e1')]));
    assert.equal(res.complete, true);
    assert.deepEqual(res.checks, []);
  });
});

describe('evaluateCompleteness: documents', () => {
  const one = (docs: ReturnType<typeof doc>[], r: Requirement = idDoc, now = NOW) =>
    run([r], snapshot([person('p1', { documents: docs })]), now).missing;

  it('missing when no document of an accepted type exists; any accepted type satisfies it', () => {
    const [m] = one([doc('d1', 'driving_licence')]);
    assert.equal(m!.reason, 'missing');
    assert.equal(m!.key, 'passport');
    assert.deepEqual(m!.detail, { acceptedTypes: ['passport', 'national_id'] });
    assert.deepEqual(one([doc('d1', 'national_id')]), []);
  });

  it('invalid documents never count; unchecked ones count unless verifiedOnly', () => {
    const [m] = one([doc('d1', 'passport', { status: 'invalid' })]);
    assert.equal(m!.reason, 'invalid');
    assert.equal(m!.detail.documentId, 'd1');
    assert.deepEqual(one([doc('d1', 'passport', { status: 'invalid' }), doc('d2', 'passport')]), []);
    const verified: Requirement = { ...idDoc, verifiedOnly: true };
    assert.equal(one([doc('d1', 'passport')], verified)[0]!.reason, 'unverified');
    assert.deepEqual(one([doc('d1', 'passport', { status: 'valid' })], verified), []);
  });

  it('an expiry date is valid through its UTC day: expired only from the next day', () => {
    const exp = (expiresOn: string, now = NOW) => one([doc('d1', 'passport', { expiresOn })], idDoc, now);
    assert.deepEqual(exp(TODAY), []);
    assert.deepEqual(exp(TODAY, new Date('2026-06-15T23:59:59.999Z')), []);
    assert.equal(exp(TODAY, new Date('2026-06-16T00:00:00.000Z'))[0]!.reason, 'expired');
    assert.deepEqual(exp('2026-06-15', new Date('2026-06-15T00:00:00.000Z')), []);
    const [m] = exp('2026-06-14');
    assert.equal(m!.reason, 'expired');
    assert.equal(m!.detail.expiresOn, '2026-06-14');
    assert.equal(m!.messageKey, 'completeness.document.expired');
    assert.equal(formatMissingItem(m!), 'Identity document: the document expired on 2026-06-14');
  });

  it('a current document beside expired ones satisfies it; otherwise the latest expiry is shown', () => {
    const docs = [
      doc('d1', 'passport', { expiresOn: '2020-01-01' }),
      doc('d2', 'national_id', { expiresOn: '2026-06-01' }),
      doc('d3', 'passport', { expiresOn: '2019-01-01' }),
    ];
    const [m] = one(docs);
    assert.equal(m!.detail.documentId, 'd2');
    assert.deepEqual(one([...docs, doc('d4', 'passport')]), []);
  });

  it('issued within N days: exactly N days old is fine, N + 1 is too old, no issue date is too old', () => {
    const poa: Requirement = {
      id: 'poa',
      label: 'Proof of address',
      scope: subjects(),
      kind: 'document',
      documentTypes: ['proof_of_address'],
      maxAgeDays: 90,
    };
    const issued = (issuedOn: string | null, now = NOW) =>
      one([doc('d1', 'proof_of_address', { issuedOn })], poa, now);
    assert.deepEqual(issued('2026-03-17'), []); // 90 days before 2026-06-15
    const [m] = issued('2026-03-16');
    assert.equal(m!.reason, 'too_old');
    assert.equal(m!.detail.ageDays, 91);
    assert.equal(m!.detail.maxAgeDays, 90);
    // The same document at the last millisecond of its last valid day, and the first of the next.
    assert.deepEqual(issued('2026-03-17', new Date('2026-06-15T23:59:59.999Z')), []);
    assert.equal(issued('2026-03-17', new Date('2026-06-16T00:00:00Z'))[0]!.reason, 'too_old');
    const [n] = issued(null);
    assert.equal(n!.reason, 'too_old');
    assert.equal(n!.detail.issuedOn, null);
    assert.equal(n!.detail.ageDays, undefined);
    // Expiry is checked before age: an expired fresh document is "expired".
    assert.equal(
      one([doc('d1', 'proof_of_address', { issuedOn: TODAY, expiresOn: '2026-06-14' })], poa)[0]!.reason,
      'expired',
    );
    // Leap day arithmetic in UTC days: 2024-02-28 → 2024-03-01 is 2 days.
    const short: Requirement = { ...poa, maxAgeDays: 1 };
    assert.equal(
      one(
        [doc('d1', 'proof_of_address', { issuedOn: '2024-02-28' })],
        short,
        new Date('2024-03-01T10:00:00Z'),
      )[0]!.detail.ageDays,
      2,
    );
  });

  it('application-scoped documents are read from the application', () => {
    const r: Requirement = {
      id: 'agreement',
      label: 'Signed agreement',
      scope: { target: 'application' },
      kind: 'document',
      documentTypes: ['other'],
    };
    assert.deepEqual(
      reasons(run([r], snapshot([person('p1', { documents: [doc('x', 'other')] })])).missing),
      ['agreement:-:missing'],
    );
    assert.deepEqual(run([r], snapshot([], { documents: [doc('x', 'other')] })).missing, []);
  });
});

describe('evaluateCompleteness: questionnaires', () => {
  const q: Requirement = {
    id: 'kyc',
    label: 'KYC',
    scope: { target: 'application' },
    kind: 'questionnaire',
    formKey: 'kyc',
  };
  const state = (...states: ('not_started' | 'draft' | 'submitted')[]) =>
    run([q], snapshot([], { questionnaires: states.map((s) => ({ formKey: 'kyc', state: s })) })).missing;

  it('missing, not started, draft only, submitted', () => {
    assert.equal(state()[0]!.reason, 'missing');
    assert.equal(state('not_started')[0]!.reason, 'missing');
    assert.equal(state('draft')[0]!.reason, 'draft_only');
    assert.equal(state('draft')[0]!.key, 'kyc');
    assert.deepEqual(state('submitted'), []);
    assert.deepEqual(state('draft', 'submitted'), []);
    // Another form's submission does not count.
    const other = run(
      [q],
      snapshot([], { questionnaires: [{ formKey: 'aml', state: 'submitted' }] }),
    ).missing;
    assert.equal(other[0]!.reason, 'missing');
  });

  it('per subject when the scope is subjects', () => {
    const perSubject: Requirement = { ...q, scope: { target: 'subjects', roles: ['ubo'] } };
    const res = run(
      [perSubject],
      snapshot([
        person('u1', { roles: ['ubo'], questionnaires: [{ formKey: 'kyc', state: 'submitted' }] }),
        person('u2', { roles: ['ubo'], questionnaires: [{ formKey: 'kyc', state: 'draft' }] }),
      ]),
    );
    assert.deepEqual(reasons(res.missing), ['kyc:u2:draft_only']);
  });
});

describe('evaluateCompleteness: screening', () => {
  const s: Requirement = {
    id: 'scr',
    label: 'Screening',
    scope: subjects(),
    kind: 'screening',
    withinDays: 30,
  };
  const screened = (lastScreenedOn: string | null, unresolvedAlerts = 0, r: Requirement = s) =>
    run([r], snapshot([person('p1', { screening: { lastScreenedOn, unresolvedAlerts } })])).missing;

  it('not screened, screened too long ago (boundary), unresolved alerts, both', () => {
    assert.equal(screened(null)[0]!.reason, 'not_screened');
    assert.deepEqual(screened('2026-05-16'), []); // 30 days
    const [old] = screened('2026-05-15'); // 31 days
    assert.equal(old!.reason, 'too_old');
    assert.deepEqual(old!.detail, { lastScreenedOn: '2026-05-15', ageDays: 31, withinDays: 30 });
    const [alerts] = screened(TODAY, 2);
    assert.equal(alerts!.reason, 'unresolved_alerts');
    assert.equal(formatMissingItem(alerts!), 'Screening: 2 screening alert(s) not resolved');
    assert.deepEqual(
      screened('2026-01-01', 1).map((m) => m.reason),
      ['too_old', 'unresolved_alerts'],
    );
    assert.deepEqual(
      screened(null, 3).map((m) => m.reason),
      ['not_screened', 'unresolved_alerts'],
    );
    // Without withinDays any screening counts, however old.
    const any: Requirement = { id: 'scr', label: 'Screening', scope: subjects(), kind: 'screening' };
    assert.deepEqual(screened('2001-01-01', 0, any), []);
  });
});

describe('evaluateCompleteness: ownership', () => {
  const own: Requirement = {
    id: 'own',
    label: 'Ownership',
    scope: { target: 'subjects', entityTypes: ['entity'], roles: ['applicant'] },
    kind: 'ownership',
    checks: ['ubos_identified', 'shares_add_up'],
  };
  const summary = (o: Partial<NonNullable<CompletenessSnapshot['subjects'][0]['ownership']>> = {}) => ({
    directSharesPpm: 1_000_000,
    untracedPpm: 0,
    candidates: [],
    cycles: 0,
    truncated: false,
    ...o,
  });
  const check = (ownership: ReturnType<typeof summary> | null, r: Requirement = own) =>
    run([r], snapshot([entity('e1', { roles: ['applicant'], ownership })])).missing;

  it('complete ownership: shares add up to exactly 100 %, every UBO identified', () => {
    assert.deepEqual(
      check(summary({ candidates: [{ subjectId: 'p1', effectivePpm: 600_000, identified: true }] })),
      [],
    );
  });

  it('shares that do not add up to exactly 1,000,000 ppm', () => {
    for (const directSharesPpm of [999_999, 1_000_001, 0]) {
      const [m] = check(summary({ directSharesPpm }));
      assert.equal(m!.key, 'shares_add_up');
      assert.equal(m!.reason, 'ownership_incomplete');
      assert.deepEqual(m!.detail, { directSharesPpm, expectedPpm: 1_000_000 });
    }
  });

  it('an unidentified person at the threshold (inclusive) is reported; just below is not', () => {
    const cands = [
      { subjectId: 'b', effectivePpm: 250_000, identified: false },
      { subjectId: 'a', effectivePpm: 249_999, identified: false },
      { subjectId: 'c', effectivePpm: 400_000, identified: false },
      { subjectId: 'd', effectivePpm: 350_000, identified: true },
    ];
    const [m] = check(summary({ candidates: cands }));
    assert.equal(m!.key, 'ubos_identified');
    assert.deepEqual(m!.detail.unidentified, [
      { subjectId: 'c', effectivePpm: 400_000 },
      { subjectId: 'b', effectivePpm: 250_000 },
    ]);
    assert.equal(m!.detail.thresholdPpm, 250_000);
    // The requirement's own threshold overrides the programme's.
    const strict: Requirement = { ...own, uboThresholdPpm: 100_000 } as Requirement;
    assert.deepEqual(
      check(summary({ candidates: cands }), strict)[0]!.detail.unidentified!.map((u) => u.subjectId),
      ['c', 'b', 'a'],
    );
    const lax: Requirement = { ...own, uboThresholdPpm: 500_000 } as Requirement;
    assert.deepEqual(check(summary({ candidates: cands }), lax), []);
  });

  it('untraced ownership at the threshold, cycles and truncation make the UBO check incomplete', () => {
    assert.deepEqual(check(summary({ untracedPpm: 249_999 })), []);
    assert.equal(check(summary({ untracedPpm: 250_000 }))[0]!.detail.untracedPpm, 250_000);
    assert.equal(check(summary({ cycles: 1 }))[0]!.key, 'ubos_identified');
    assert.equal(check(summary({ truncated: true }))[0]!.detail.truncated, true);
  });

  it('no ownership summary: every check is reported, in a fixed order', () => {
    const items = check(null);
    assert.deepEqual(
      items.map((m) => [m.key, m.detail.summaryAbsent]),
      [
        ['shares_add_up', true],
        ['ubos_identified', true],
      ],
    );
  });
});

describe('evaluateCompleteness: conditions', () => {
  const sow: Requirement = {
    id: 'sow',
    label: 'Source of wealth',
    scope: { target: 'subjects', roles: ['applicant'] },
    when: { bandAtLeast: 'high' },
    kind: 'document',
    documentTypes: ['source_of_wealth'],
  };
  const withBand = (band: CompletenessSnapshot['application']['band']) =>
    run([sow], snapshot([person('p1', { roles: ['applicant'] })], { band }));

  it('a high band needs a source-of-wealth document that a low band does not', () => {
    const low = withBand('low');
    assert.equal(low.complete, true);
    assert.deepEqual(
      low.checks.map((c) => c.outcome),
      ['not_applicable'],
    );
    assert.equal(withBand('medium').complete, true);
    assert.deepEqual(reasons(withBand('high').missing), ['sow:p1:missing']);
    assert.deepEqual(reasons(withBand('prohibited').missing), ['sow:p1:missing']);
  });

  it('an application not scored yet gets the requirement, flagged as assumed', () => {
    const res = withBand(null);
    assert.equal(res.missing.length, 1);
    assert.equal(res.missing[0]!.conditionUnknown, true);
    assert.equal(res.checks[0]!.conditionUnknown, true);
    assert.equal(withBand('high').missing[0]!.conditionUnknown, false);
  });

  it('facts: equals, in, explicit null, absent (unknown: applies), subject facts, not/any/all', () => {
    const on = (when: Requirement['when'], facts: Record<string, string | boolean | null>, subj = {}) =>
      run([{ ...sow, when }], snapshot([person('p1', { roles: ['applicant'], facts: subj })], { facts }))
        .missing.length;
    assert.equal(on({ fact: 'application.product', equals: 'private' }, { product: 'private' }), 1);
    assert.equal(on({ fact: 'application.product', equals: 'private' }, { product: 'retail' }), 0);
    assert.equal(on({ fact: 'application.product', in: ['a', 'private'] }, { product: 'private' }), 1);
    assert.equal(on({ fact: 'application.product', equals: 'private' }, { product: null }), 0);
    assert.equal(on({ fact: 'application.product', equals: null }, { product: null }), 1);
    assert.equal(on({ fact: 'application.product', equals: 'private' }, {}), 1);
    assert.equal(on({ not: { fact: 'application.product', equals: 'private' } }, {}), 1);
    assert.equal(on({ fact: 'subject.pep', equals: true }, {}, { pep: true }), 1);
    assert.equal(on({ fact: 'subject.pep', equals: true }, {}, { pep: false }), 0);
    // any: true wins over unknown; all: false wins over unknown.
    assert.equal(on({ any: [{ bandAtLeast: 'low' }, { fact: 'application.x', equals: 1 }] }, {}), 1);
    assert.equal(on({ all: [{ bandAtLeast: 'high' }, { fact: 'application.x', equals: 1 }] }, {}), 0);
    assert.equal(on({ not: { bandAtLeast: 'medium' } }, {}), 1);
    assert.equal(on({ entityType: 'entity' }, {}), 0);
    // A fact named like an inherited member is not "present".
    assert.equal(on({ fact: 'application.constructor', equals: 'x' }, {}), 1);
  });
});

describe('evaluateCompleteness: roles', () => {
  const uboId: Requirement = {
    ...idDoc,
    id: 'ubo-id',
    scope: { target: 'subjects', roles: ['ubo', 'applicant'] },
  };

  it('a UBO needs an identity document, a director does not', () => {
    const res = run(
      [uboId],
      snapshot([person('dir', { roles: ['director'] }), person('ubo', { roles: ['ubo'] })]),
    );
    assert.deepEqual(reasons(res.missing), ['ubo-id:ubo:missing']);
    assert.equal(res.missing[0]!.role, 'ubo');
    assert.deepEqual(
      res.checks.map((c) => c.subjectId),
      ['ubo'],
    );
  });

  it('a role in the ownership graph counts like a role on the application', () => {
    const res = run([uboId], snapshot([person('g', { roles: ['related'], graphRoles: ['ubo'] })]));
    assert.deepEqual(reasons(res.missing), ['ubo-id:g:missing']);
    assert.equal(res.missing[0]!.role, 'ubo');
  });

  it('reports the most prominent matching role', () => {
    const res = run([uboId], snapshot([person('p', { roles: ['ubo', 'applicant'] })]));
    assert.equal(res.missing[0]!.role, 'applicant');
    const all = run(
      [{ ...idDoc, scope: subjects() }],
      snapshot([person('p', { roles: ['shareholder', 'director'] })]),
    );
    assert.equal(all.missing[0]!.role, 'director');
    const none = run([{ ...idDoc, scope: subjects() }], snapshot([person('p')]));
    assert.equal(none.missing[0]!.role, null);
  });
});

describe('evaluateCompleteness: order, counts, determinism', () => {
  const reqs: Requirement[] = [
    { id: 'kyc', label: 'KYC', scope: { target: 'application' }, kind: 'questionnaire', formKey: 'kyc' },
    idDoc,
    { id: 'scr', label: 'Screening', scope: subjects(), kind: 'screening', withinDays: 30 },
  ];
  const subjectsList = () => [
    person('z-related', { roles: ['related'], screening: { lastScreenedOn: TODAY, unresolvedAlerts: 1 } }),
    person('b-ubo', { roles: ['ubo'] }),
    entity('e-main', { roles: ['applicant'], screening: { lastScreenedOn: TODAY, unresolvedAlerts: 0 } }),
    person('a-ubo', {
      roles: ['ubo'],
      documents: [
        doc('d1', 'passport', { expiresOn: '2019-01-01' }),
        doc('d2', 'national_id', { expiresOn: '2020-01-01' }),
      ],
    }),
    person('x-none'),
  ];

  it('lists the application first, then subjects by role and id, requirements in definition order', () => {
    const res = run(reqs, snapshot(subjectsList()));
    assert.deepEqual(reasons(res.missing), [
      'kyc:-:missing',
      'id-doc:a-ubo:expired',
      'scr:a-ubo:not_screened',
      'id-doc:b-ubo:missing',
      'scr:b-ubo:not_screened',
      'id-doc:z-related:missing',
      'scr:z-related:unresolved_alerts',
      'id-doc:x-none:missing',
      'scr:x-none:not_screened',
    ]);
  });

  it('gives the same result whatever the order of subjects and documents in the snapshot', () => {
    const a = run(reqs, snapshot(subjectsList()));
    const shuffled = subjectsList().reverse();
    shuffled[1] = { ...shuffled[1]!, documents: [...shuffled[1]!.documents].reverse() };
    const b = run(reqs, snapshot(shuffled));
    assert.deepEqual(b, a);
    assert.equal(a.missing.find((m) => m.subjectId === 'a-ubo')!.detail.documentId, 'd2');
    assert.deepEqual(JSON.parse(JSON.stringify(a)), a, 'the result is plain JSON');
  });

  it('counts by kind and reason, on the application and by subject', () => {
    const res = run(reqs, snapshot(subjectsList()));
    assert.equal(res.summary.missing, res.missing.length);
    assert.equal(res.summary.missing, 9);
    assert.deepEqual(res.summary.byKind, {
      field: 0,
      document: 4,
      questionnaire: 1,
      screening: 4,
      ownership: 0,
    });
    assert.equal(res.summary.byReason.missing, 4);
    assert.equal(res.summary.byReason.expired, 1);
    assert.equal(res.summary.byReason.not_screened, 3);
    assert.equal(res.summary.byReason.unresolved_alerts, 1);
    assert.equal(res.summary.onApplication, 1);
    assert.equal(res.summary.subjectsWithMissing, 4);
    assert.equal(res.summary.applied, res.checks.length);
    assert.equal(res.summary.met, 1); // e-main's screening
    assert.equal(res.asOf, TODAY);
    assert.equal(res.applicationId, 'app-1');
  });

  it('refuses an invalid now instead of guessing a day', () => {
    assert.throws(() => evaluateCompleteness(defs([]), snapshot([]), new Date('nope')), TypeError);
  });
});

describe('defaultRequirements', () => {
  it('a complete low-risk company onboarding is complete; high risk asks for more', () => {
    const fresh = (issuedOn: string) => ({ issuedOn, status: 'valid' as const });
    const screened = { lastScreenedOn: '2026-06-10', unresolvedAlerts: 0 };
    const snap = snapshot(
      [
        entity('co', {
          roles: ['applicant'],
          presentFields: ['registrationNumber', 'addresses.registered'],
          documents: [
            doc('r', 'registry_extract', fresh('2026-05-01')),
            doc('a', 'proof_of_address', fresh('2026-05-01')),
          ],
          screening: screened,
          ownership: {
            directSharesPpm: 1_000_000,
            untracedPpm: 0,
            candidates: [{ subjectId: 'owner', effectivePpm: 1_000_000, identified: true }],
            cycles: 0,
            truncated: false,
          },
        }),
        person('owner', {
          roles: ['ubo'],
          presentFields: ['dateOfBirth', 'nationalities', 'addresses.residential'],
          facts: { pep: false },
          documents: [doc('p', 'passport', { expiresOn: '2030-01-01' })],
          screening: screened,
        }),
        person('dir', { roles: ['director'], presentFields: ['dateOfBirth'], screening: screened }),
      ],
      { questionnaires: [{ formKey: 'kyc', state: 'submitted' }] },
    );
    assert.deepEqual(validateSnapshot(snap), []);
    const low = evaluateCompleteness(defaultRequirements(), snap, NOW);
    assert.deepEqual(low.missing, []);
    assert.equal(low.complete, true);
    const high = evaluateCompleteness(
      defaultRequirements(),
      { ...snap, application: { ...snap.application, band: 'high' } },
      NOW,
    );
    assert.deepEqual(reasons(high.missing), ['source-of-wealth:owner:missing']);
    // A PEP needs source of wealth at any band.
    const pep = structuredClone(snap);
    pep.subjects[1]!.facts = { pep: true };
    assert.deepEqual(reasons(evaluateCompleteness(defaultRequirements(), pep, NOW).missing), [
      'source-of-wealth:owner:missing',
    ]);
  });
});

describe('validateSnapshot', () => {
  it('refuses unknown properties, impossible dates and duplicate subjects', () => {
    assert.deepEqual(validateSnapshot(snapshot([person('p')])), []);
    const bad = snapshot([
      person('p', { documents: [doc('d', 'passport', { expiresOn: '2026-02-30' })] }),
      person('p'),
    ]);
    assert.deepEqual(
      validateSnapshot(bad).map((p) => p.path),
      ['/subjects/0/documents/0/expiresOn', '/subjects/1/id'],
    );
    assert.deepEqual(
      validateSnapshot({ ...snapshot([]), extra: 1 }).map((p) => p.path),
      ['/extra'],
    );
  });
});
