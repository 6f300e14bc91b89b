/**
 * The requirement set a KYC programme starts from. It names the document types of the default
 * document policy (passport, national_id, proof_of_address, registry_extract, financial_statement),
 * the statuses of the default status machine (in_review, approved) and one form, `kyc`, which the
 * programme must have (or the requirement removed) before the set validates against it.
 */
import type { Requirements, Scope, SubjectRole } from './requirements.schema.ts';

const persons = (...roles: SubjectRole[]): Scope => ({ target: 'subjects', entityTypes: ['person'], roles });
const entities = (...roles: SubjectRole[]): Scope => ({ target: 'subjects', entityTypes: ['entity'], roles });

/** A fresh copy each call: callers may edit it into a draft. */
export function defaultRequirements(): Requirements {
  return {
    requirements: [
      {
        id: 'kyc-questionnaire',
        label: 'KYC questionnaire',
        scope: { target: 'application' },
        kind: 'questionnaire',
        formKey: 'kyc',
      },
      {
        id: 'person-date-of-birth',
        label: 'Date of birth',
        scope: persons('applicant', 'director', 'ubo', 'signatory', 'trustee'),
        kind: 'field',
        field: 'dateOfBirth',
      },
      {
        id: 'person-nationality',
        label: 'Nationality',
        scope: persons('applicant', 'ubo', 'signatory'),
        kind: 'field',
        field: 'nationalities',
      },
      {
        id: 'person-residential-address',
        label: 'Residential address',
        scope: persons('applicant', 'ubo'),
        kind: 'field',
        field: 'addresses.residential',
      },
      {
        id: 'person-identity-document',
        label: 'Identity document',
        scope: persons('applicant', 'ubo', 'signatory', 'trustee'),
        kind: 'document',
        documentTypes: ['passport', 'national_id'],
      },
      {
        id: 'proof-of-address',
        label: 'Proof of address (at most 90 days old)',
        scope: { target: 'subjects', roles: ['applicant'] },
        kind: 'document',
        documentTypes: ['proof_of_address'],
        maxAgeDays: 90,
      },
      {
        id: 'source-of-wealth',
        label: 'Source of wealth evidence',
        scope: persons('applicant', 'ubo'),
        when: { any: [{ bandAtLeast: 'high' }, { fact: 'subject.pep', equals: true }] },
        kind: 'document',
        documentTypes: ['financial_statement'],
        maxAgeDays: 365,
        verifiedOnly: true,
      },
      {
        id: 'entity-registration-number',
        label: 'Registration number',
        scope: entities('applicant'),
        kind: 'field',
        field: 'registrationNumber',
      },
      {
        id: 'entity-registered-address',
        label: 'Registered address',
        scope: entities('applicant'),
        kind: 'field',
        field: 'addresses.registered',
      },
      {
        id: 'entity-registry-extract',
        label: 'Company registry extract (at most 180 days old)',
        scope: entities('applicant'),
        kind: 'document',
        documentTypes: ['registry_extract'],
        maxAgeDays: 180,
      },
      {
        id: 'entity-ownership',
        label: 'Ownership and beneficial owners',
        scope: entities('applicant'),
        kind: 'ownership',
        checks: ['shares_add_up', 'ubos_identified'],
      },
      {
        id: 'screening',
        label: 'Screening in the last year',
        scope: { target: 'subjects' },
        kind: 'screening',
        withinDays: 365,
      },
      {
        id: 'screening-high-risk',
        label: 'Screening in the last 30 days (high risk)',
        scope: { target: 'subjects' },
        when: { bandAtLeast: 'high' },
        kind: 'screening',
        withinDays: 30,
      },
    ],
    gates: [
      {
        status: 'in_review',
        block: [],
        warn: ['field', 'document', 'questionnaire', 'screening', 'ownership'],
      },
      { status: 'approved', block: ['field', 'document', 'questionnaire', 'screening', 'ownership'] },
    ],
  };
}
