import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRequirements } from './default-requirements.ts';
import { LIMITS } from './requirements.schema.ts';
import {
  parseRequirements,
  validateRequirements,
  type RequirementsContext,
} from './validate-requirements.ts';

const req = (extra: Record<string, unknown> = {}) => ({
  id: 'r1',
  label: 'Identity document',
  scope: { target: 'subjects', entityTypes: ['person'] },
  kind: 'document',
  documentTypes: ['passport'],
  ...extra,
});
const def = (requirements: unknown[], gates: unknown[] = []) => ({ requirements, gates });
const paths = (d: unknown, ctx?: RequirementsContext) => validateRequirements(d, ctx).map((p) => p.path);
const messages = (d: unknown, ctx?: RequirementsContext) =>
  validateRequirements(d, ctx).map((p) => `${p.path} ${p.message}`);

/** The default programme's document policy and status machine (migrations and status-machine.ts). */
const programme: RequirementsContext = {
  statuses: ['draft', 'in_review', 'approved', 'rejected'],
  initialStatus: 'draft',
  documentTypes: [
    { code: 'passport', appliesTo: ['person'] },
    { code: 'national_id', appliesTo: ['person'] },
    { code: 'driving_licence', appliesTo: ['person'] },
    { code: 'proof_of_address', appliesTo: ['person', 'entity'] },
    { code: 'registry_extract', appliesTo: ['entity'] },
    { code: 'financial_statement', appliesTo: ['person', 'entity'] },
    { code: 'other', appliesTo: ['person', 'entity'] },
  ],
  formKeys: ['kyc'],
};

describe('validateRequirements', () => {
  it('accepts the default set, alone and against the default programme', () => {
    assert.deepEqual(validateRequirements(defaultRequirements()), []);
    assert.deepEqual(validateRequirements(defaultRequirements(), programme), []);
    assert.equal(parseRequirements(defaultRequirements()).ok, true);
    assert.deepEqual(validateRequirements(def([])), []);
  });

  it('refuses non-objects and unknown or missing top-level properties', () => {
    assert.deepEqual(paths(null), ['/']);
    assert.deepEqual(paths([]), ['/']);
    assert.deepEqual(paths('x'), ['/']);
    assert.deepEqual(paths({ requirements: [] }), ['/']);
    assert.deepEqual(paths({ ...def([]), version: 2 }), ['/version']);
    const parsed = parseRequirements({ requirements: 'x', gates: [] });
    assert.equal(parsed.ok, false);
    assert.deepEqual(!parsed.ok && parsed.problems.map((p) => p.path), ['/requirements']);
  });

  it('refuses unknown kinds and unknown properties, naming the path', () => {
    assert.deepEqual(paths(def([req({ kind: 'script' })])), ['/requirements/0/kind']);
    assert.deepEqual(paths(def([req({ maxAge: 3 })])), ['/requirements/0/maxAge']);
    assert.deepEqual(paths(def([req(), req({ id: 'r2', scope: { target: 'subjects', x: 1 } })])), [
      '/requirements/1/scope/x',
    ]);
    assert.deepEqual(paths(def([req({ documentTypes: [] })])), ['/requirements/0/documentTypes']);
    assert.deepEqual(paths(def([req({ maxAgeDays: -1 })])), ['/requirements/0/maxAgeDays']);
    assert.deepEqual(paths(def([req({ maxAgeDays: 1.5 })])), ['/requirements/0/maxAgeDays']);
    assert.deepEqual(paths(def([req({ maxAgeDays: LIMITS.maxDays + 1 })])), ['/requirements/0/maxAgeDays']);
    assert.deepEqual(paths(def([req({ scope: { target: 'subjects', roles: ['owner'] } })])), [
      '/requirements/0/scope/roles/0',
    ]);
    assert.deepEqual(paths(def([42])), ['/requirements/0']);
  });

  it('refuses bad and duplicate ids and bad labels', () => {
    assert.deepEqual(paths(def([req({ id: 'Bad Id' })])), ['/requirements/0/id']);
    assert.deepEqual(paths(def([req({ id: '1a' })])), ['/requirements/0/id']);
    assert.deepEqual(paths(def([req(), req()])), ['/requirements/1/id']);
    assert.deepEqual(paths(def([req({ label: ' padded' })])), ['/requirements/0/label']);
    assert.deepEqual(paths(def([req({ label: 'a\u0007b' })])), ['/requirements/0/label']);
    assert.deepEqual(paths(def([req({ label: '' })])), ['/requirements/0/label']);
    assert.deepEqual(paths(def([req({ id: 'kyc.person-id_2' })])), []);
  });

  it('refuses scopes that do not fit the kind', () => {
    const app = { target: 'application' };
    assert.deepEqual(paths(def([req({ scope: { target: 'application', roles: ['ubo'] } })])), [
      '/requirements/0/scope/roles',
    ]);
    assert.deepEqual(paths(def([req({ scope: app })])), []);
    const field = { id: 'f', label: 'F', kind: 'field', field: 'dateOfBirth' };
    assert.deepEqual(paths(def([{ ...field, scope: app }])), ['/requirements/0/scope/target']);
    assert.deepEqual(paths(def([{ ...field, scope: { target: 'subjects', entityTypes: ['person'] } }])), []);
    // dateOfBirth is not a field of a legal entity: an unrestricted scope is refused with a hint.
    assert.match(
      messages(def([{ ...field, scope: { target: 'subjects' } }]))[0]!,
      /restrict scope\/entityTypes/,
    );
    assert.deepEqual(
      paths(
        def([{ ...field, field: 'registeredName', scope: { target: 'subjects', entityTypes: ['person'] } }]),
      ),
      ['/requirements/0/field'],
    );
    assert.deepEqual(paths(def([{ ...field, field: 'contact.emails', scope: { target: 'subjects' } }])), []);
    const screening = { id: 's', label: 'S', kind: 'screening' };
    assert.deepEqual(paths(def([{ ...screening, scope: app }])), ['/requirements/0/scope/target']);
    const ownership = { id: 'o', label: 'O', kind: 'ownership', checks: ['shares_add_up'] };
    assert.deepEqual(paths(def([{ ...ownership, scope: { target: 'subjects' } }])), [
      '/requirements/0/scope/entityTypes',
    ]);
    assert.deepEqual(paths(def([{ ...ownership, scope: app }])), ['/requirements/0/scope/target']);
    assert.deepEqual(
      paths(def([{ ...ownership, scope: { target: 'subjects', entityTypes: ['entity'] } }])),
      [],
    );
    assert.deepEqual(
      paths(def([{ ...ownership, checks: [], scope: { target: 'subjects', entityTypes: ['entity'] } }])),
      ['/requirements/0/checks'],
    );
    assert.deepEqual(
      paths(
        def([{ ...ownership, uboThresholdPpm: 0, scope: { target: 'subjects', entityTypes: ['entity'] } }]),
      ),
      ['/requirements/0/uboThresholdPpm'],
    );
  });

  it('checks document types and form keys, against the programme when given', () => {
    assert.deepEqual(paths(def([req({ documentTypes: ['Passport'] })])), ['/requirements/0/documentTypes/0']);
    assert.deepEqual(paths(def([req({ documentTypes: ['passport', 'passport'] })])), [
      '/requirements/0/documentTypes',
    ]);
    assert.deepEqual(paths(def([req({ documentTypes: ['passport', 'visa'] })])), []);
    assert.deepEqual(paths(def([req({ documentTypes: ['passport', 'visa'] })]), programme), [
      '/requirements/0/documentTypes/1',
    ]);
    // A registry extract is for legal entities, not persons.
    assert.deepEqual(paths(def([req({ documentTypes: ['registry_extract'] })]), programme), [
      '/requirements/0/documentTypes/0',
    ]);
    const q = { id: 'q', label: 'Q', kind: 'questionnaire', scope: { target: 'application' } };
    assert.deepEqual(paths(def([{ ...q, formKey: 'KYC' }])), ['/requirements/0/formKey']);
    assert.deepEqual(paths(def([{ ...q, formKey: 'aml-2' }])), []);
    assert.deepEqual(paths(def([{ ...q, formKey: 'aml-2' }]), programme), ['/requirements/0/formKey']);
  });

  it('checks conditions and names the offending part', () => {
    const when = (w: unknown, scope: unknown = { target: 'subjects', entityTypes: ['person'] }) =>
      paths(def([req({ when: w, scope })]));
    assert.deepEqual(when({ bandAtLeast: 'high' }), []);
    assert.deepEqual(when({ bandAtLeast: 'severe' }), ['/requirements/0/when/bandAtLeast']);
    assert.deepEqual(when({ entityType: 'person' }), []);
    assert.deepEqual(when({ entityType: 'trust' }), ['/requirements/0/when/entityType']);
    assert.deepEqual(when({ entityType: 'person' }, { target: 'application' }), [
      '/requirements/0/when/entityType',
    ]);
    assert.deepEqual(when({ fact: 'subject.pep', equals: true }), []);
    assert.deepEqual(when({ fact: 'subject.pep', equals: true }, { target: 'application' }), [
      '/requirements/0/when/fact',
    ]);
    assert.deepEqual(when({ fact: 'application.product', in: ['a', 'b'] }, { target: 'application' }), []);
    assert.deepEqual(when({ fact: 'pep', equals: true }), ['/requirements/0/when/fact']);
    assert.deepEqual(when({ fact: 'subject.PEP', equals: true }), ['/requirements/0/when/fact']);
    assert.deepEqual(when({ fact: 'subject.pep', equals: { x: 1 } }), ['/requirements/0/when/equals']);
    assert.deepEqual(when({ fact: 'subject.pep', in: [] }), ['/requirements/0/when/in']);
    assert.deepEqual(when({ fact: 'subject.pep', in: ['a', 'a'] }), ['/requirements/0/when/in/1']);
    assert.deepEqual(when({ fact: 'subject.pep', equals: true, in: [true] }), ['/requirements/0/when']);
    assert.deepEqual(when({ bandAtLeast: 'high', entityType: 'person' }), ['/requirements/0/when']);
    assert.deepEqual(when({ all: [] }), ['/requirements/0/when/all']);
    assert.deepEqual(when({ any: [{ bandAtLeast: 'low' }, { not: { bandAtLeast: 'x' } }] }), [
      '/requirements/0/when/any/1/not/bandAtLeast',
    ]);
    assert.deepEqual(when('high'), ['/requirements/0/when']);
    let deep: unknown = { bandAtLeast: 'high' };
    for (let i = 0; i < LIMITS.maxConditionDepth; i++) deep = { not: deep };
    assert.match(messages(def([req({ when: deep })]))[0]!, /nest at most/);
    const wide = { any: Array.from({ length: LIMITS.maxConditionNodes }, () => ({ bandAtLeast: 'high' })) };
    assert.deepEqual(messages(def([req({ when: wide })])), [
      `/requirements/0/when condition has more than ${LIMITS.maxConditionNodes} parts`,
    ]);
  });

  it('checks gates: status keys, duplicates, the programme statuses, the initial status, kinds', () => {
    const gate = (g: Record<string, unknown>) => ({ status: 'approved', block: ['document'], ...g });
    assert.deepEqual(paths(def([], [gate({})])), []);
    assert.deepEqual(paths(def([], [gate({ status: 'Approved' })])), ['/gates/0/status']);
    assert.deepEqual(paths(def([], [gate({}), gate({ block: ['field'] })])), ['/gates/1/status']);
    assert.deepEqual(paths(def([], [gate({ status: 'closed' })]), programme), ['/gates/0/status']);
    assert.deepEqual(paths(def([], [gate({ status: 'draft' })]), programme), ['/gates/0/status']);
    assert.deepEqual(paths(def([], [gate({ block: ['paperwork'] })])), ['/gates/0/block/0']);
    assert.deepEqual(paths(def([], [gate({ block: [] })])), ['/gates/0']);
    assert.deepEqual(paths(def([], [gate({ block: [], warn: ['field'] })])), []);
    assert.deepEqual(paths(def([], [gate({ warn: ['field', 'document'] })])), ['/gates/0/warn/1']);
    assert.deepEqual(paths(def([], [gate({ block: ['field', 'field'] })])), ['/gates/0/block']);
    assert.deepEqual(paths(def([], [gate({ extra: 1 })])), ['/gates/0/extra']);
  });

  it('bounds size and count, and never throws', () => {
    const many = Array.from({ length: LIMITS.maxRequirements + 1 }, (_, i) => req({ id: `r${i}` }));
    assert.deepEqual(paths(def(many)), ['/requirements']);
    const big = def([req({ label: 'x'.repeat(LIMITS.maxDefinitionBytes) })]);
    assert.match(messages(big)[0]!, /larger than/);
    let nested: unknown = 1;
    for (let i = 0; i < 100; i++) nested = [nested];
    assert.match(messages(def([req({ when: nested })]))[0]!, /nested too deeply/);
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    assert.deepEqual(paths(hostile), ['/']);
    // Many problems are capped with a count of the rest.
    const bad = Array.from({ length: 150 }, (_, i) => req({ id: `r${i}`, documentTypes: ['BAD'] }));
    const problems = validateRequirements(def(bad));
    assert.equal(problems.length, LIMITS.maxErrors + 1);
    assert.equal(problems.at(-1)!.message, '50 more problems not listed');
  });
});
