/** A representative definition shared by the unit tests of the forms engine. */
import type { FormDefinition } from './definition.schema.ts';

export function kycForm(): FormDefinition {
  return {
    key: 'kyc-entity',
    title: 'Company onboarding',
    fields: [
      { key: 'company_name', kind: 'text', label: 'Company name', required: true, maxLength: 200 },
      { key: 'email', kind: 'text', label: 'Contact email', required: true, format: 'email' },
      { key: 'description', kind: 'textarea', label: 'Business description', required: false, minLength: 10 },
      {
        key: 'employees',
        kind: 'number',
        label: 'Employees',
        required: false,
        integer: true,
        min: 0,
        max: 1e6,
      },
      {
        key: 'incorporated',
        kind: 'date',
        label: 'Incorporation date',
        required: true,
        relative: 'not_future',
      },
      { key: 'country', kind: 'country', label: 'Country of incorporation', required: true },
      {
        key: 'sector',
        kind: 'choice',
        label: 'Sector',
        required: true,
        options: [
          { value: 'finance', label: 'Finance' },
          { value: 'retail', label: 'Retail' },
          { value: 'other', label: 'Other' },
        ],
      },
      {
        key: 'sector_other',
        kind: 'text',
        label: 'Other sector',
        required: true,
        showIf: { field: 'sector', equals: 'other' },
      },
      {
        key: 'products',
        kind: 'multichoice',
        label: 'Products',
        required: false,
        minItems: 1,
        maxItems: 2,
        options: [
          { value: 'loans', label: 'Loans' },
          { value: 'cards', label: 'Cards' },
          { value: 'fx', label: 'FX' },
        ],
      },
      { key: 'has_pep', kind: 'boolean', label: 'Any politically exposed person?', required: true },
      {
        key: 'directors',
        kind: 'group',
        label: 'Directors',
        required: true,
        repeat: { min: 1, max: 3 },
        fields: [
          { key: 'name', kind: 'text', label: 'Full name', required: true },
          { key: 'date_of_birth', kind: 'date', label: 'Date of birth', required: true, relative: 'past' },
          {
            key: 'is_pep',
            kind: 'boolean',
            label: 'Is this director a PEP?',
            required: true,
            showIf: { field: 'has_pep', equals: true },
          },
          {
            key: 'pep_role',
            kind: 'text',
            label: 'Public role',
            required: true,
            showIf: {
              all: [
                { field: 'has_pep', equals: true },
                { field: 'is_pep', equals: true },
              ],
            },
          },
          {
            key: 'addresses',
            kind: 'group',
            label: 'Addresses',
            required: false,
            repeat: { min: 0, max: 2 },
            fields: [{ key: 'country', kind: 'country', label: 'Country', required: true }],
          },
        ],
      },
    ],
  };
}

/** Answers that pass kycForm() in submit mode. */
export function validAnswers(): Record<string, unknown> {
  return {
    company_name: '  Acme Ltd ',
    email: 'Ops@Example.COM',
    employees: 12,
    incorporated: '2001-05-04',
    country: 'GB',
    sector: 'finance',
    has_pep: false,
    directors: [{ name: 'Ada Lovelace', date_of_birth: '1815-12-10' }],
  };
}

export const TODAY = '2026-03-15';
