/**
 * Field-level protection: the ONE list of a subject's sensitive fields and how each is masked. Every
 * view that carries one of them (the subject, the list row, the create and update responses) masks
 * it unless the actor holds `subject:reveal-identifiers` AND asked for the clear view; the clear view
 * is audited (`subject.sensitive_fields_revealed`, field names and subject ids, never values).
 *
 * Not listed, on purpose: the LEI (a public global register), the incorporation date (public), names
 * and addresses (needed to work a file at all).
 */
import { maskNumber } from './subject.normalise.ts';

/** A date of birth shows its year only: `1985-**-**` (always ten characters, the year first). */
export function maskDate(isoDate: string): string {
  return `${isoDate.slice(0, 4)}-**-**`;
}

/**
 * The sensitive fields, by the name the views and the audit trail use for them. Tax ids of persons
 * and entities are identity documents of type `tax_id`, so `identityDocuments.number` covers them.
 */
export const SENSITIVE_FIELDS = {
  /** A person's date of birth. */
  dateOfBirth: { mask: maskDate },
  /** An entity's company-register (and, in many jurisdictions, tax) number. */
  registrationNumber: { mask: maskNumber },
  /** Identity-document numbers: passports, national ids, tax ids... of persons and entities. */
  'identityDocuments.number': { mask: maskNumber },
} as const satisfies Record<string, { mask: (value: string) => string }>;

export type SensitiveField = keyof typeof SENSITIVE_FIELDS;
export const SENSITIVE_FIELD_NAMES = Object.keys(SENSITIVE_FIELDS) as SensitiveField[];

/**
 * The masking of one subject's view: `show` returns the value in clear or masked and records which
 * fields it masked (the view's `masked` list) or revealed (the audit event's `fields`).
 */
export class Disclosure {
  readonly reveal: boolean;
  readonly #touched = new Set<SensitiveField>();

  constructor(reveal: boolean) {
    this.reveal = reveal;
  }

  show(field: SensitiveField, value: string): string {
    this.#touched.add(field);
    return this.reveal ? value : SENSITIVE_FIELDS[field].mask(value);
  }

  /** The sensitive fields present in the view, in the order of the list above. */
  fields(): SensitiveField[] {
    return SENSITIVE_FIELD_NAMES.filter((f) => this.#touched.has(f));
  }

  /** The names of the fields masked in this view (empty when revealed). */
  masked(): SensitiveField[] {
    return this.reveal ? [] : this.fields();
  }
}
