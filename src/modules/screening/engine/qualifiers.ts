/**
 * Qualifiers: what besides the name sharpens a screening score. Date of birth, nationality or
 * country, gender, identifiers and schema each add an effect (negative lowers the score) that is
 * reported to the analyst. Additive effects, not multipliers, so that an analyst can read "name
 * 0.86, birth year differs −0.20" and the effect of a qualifier does not depend on the name score.
 *
 * A qualifier only acts when both sides have the fact: a list entry without a date of birth is
 * not evidence against a customer who has one.
 */
import type { QualifierEffect, ScreeningQuery } from './api.ts';
import { countryCode } from '../lists/countries.ts';
import type { ListEntity, ListSchema } from '../lists/model.ts';

/** The facts of a list entity the qualifiers need, kept compact in the index. */
export interface EntityFacts {
  id: string;
  schema: ListSchema;
  birthDates: string[];
  /** Country codes from nationalities and countries. */
  countries: string[];
  gender?: 'male' | 'female' | undefined;
  identifiers: string[];
}

/** Identifier values compared without punctuation, spaces or case ("AB-123 456" = "ab123456"). */
export function normaliseIdentifier(value: string): string {
  return value.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function code(v: string): string {
  return countryCode(v) ?? v.toUpperCase();
}

export function entityFacts(e: ListEntity): EntityFacts {
  const countries = [...new Set([...e.nationalities, ...e.countries].map(code))];
  return {
    id: e.id,
    schema: e.schema,
    birthDates: e.birthDates,
    countries,
    gender: e.gender,
    identifiers: e.identifiers.map((i) => normaliseIdentifier(i.value)).filter((v) => v.length >= 4),
  };
}

/** Effect sizes. */
export const QUALIFIER_EFFECT = {
  dobExact: 0.05,
  dobPartial: 0.02,
  dobNear: -0.06,
  dobMismatch: -0.2,
  countryMatch: 0.02,
  countryMismatch: -0.1,
  genderMismatch: -0.12,
  identifier: 0.3,
  schemaMismatch: -0.35,
} as const;

const ORGLIKE = new Set<ListSchema>(['Organization', 'Company', 'LegalEntity']);

/** LegalEntity is FollowTheMoney's parent of Person and Company; vessels and aircraft stand alone. */
function schemaCompatible(a: ListSchema, b: ListSchema): boolean {
  if (a === b) return true;
  if (a === 'Vessel' || b === 'Vessel' || a === 'Aircraft' || b === 'Aircraft') return false;
  if (a === 'LegalEntity' || b === 'LegalEntity') return true;
  return ORGLIKE.has(a) && ORGLIKE.has(b);
}

/** Compare two partial ISO dates at their common precision. */
function compareDates(q: string, e: string): { effect: number; detail: string } {
  const qy = Number(q.slice(0, 4));
  const ey = Number(e.slice(0, 4));
  if (!Number.isFinite(qy) || !Number.isFinite(ey)) return { effect: 0, detail: 'unparsed' };
  const common = Math.min(q.length, e.length);
  if (q.slice(0, common) === e.slice(0, common)) {
    if (common >= 10) return { effect: QUALIFIER_EFFECT.dobExact, detail: `same date ${e}` };
    return { effect: QUALIFIER_EFFECT.dobPartial, detail: `same ${common >= 7 ? 'month' : 'year'} ${e}` };
  }
  const diff = Math.abs(qy - ey);
  if (diff === 0) return { effect: QUALIFIER_EFFECT.dobNear / 2, detail: `same year, other day (${e})` };
  if (diff === 1) return { effect: QUALIFIER_EFFECT.dobNear, detail: `one year apart (${e})` };
  return { effect: QUALIFIER_EFFECT.dobMismatch, detail: `born ${e}` };
}

/** The qualifier effects for one query against one entity. */
export function applyQualifiers(query: ScreeningQuery, e: EntityFacts): QualifierEffect[] {
  const out: QualifierEffect[] = [];
  if (query.schema && !schemaCompatible(query.schema, e.schema)) {
    out.push({
      qualifier: 'schema',
      effect: QUALIFIER_EFFECT.schemaMismatch,
      detail: `${query.schema} vs ${e.schema}`,
    });
  }
  if (query.birthDate && e.birthDates.length > 0) {
    let best: { effect: number; detail: string } | undefined;
    for (const d of e.birthDates) {
      const r = compareDates(query.birthDate, d);
      if (!best || r.effect > best.effect) best = r;
    }
    if (best) out.push({ qualifier: 'birth_date', ...best });
  }
  const qc = [query.nationality, query.country].filter((v): v is string => !!v).map(code);
  if (qc.length > 0 && e.countries.length > 0) {
    const hit = qc.find((c) => e.countries.includes(c));
    out.push(
      hit
        ? { qualifier: 'nationality', effect: QUALIFIER_EFFECT.countryMatch, detail: `same country ${hit}` }
        : {
            qualifier: 'nationality',
            effect: QUALIFIER_EFFECT.countryMismatch,
            detail: `${qc.join('/')} vs ${e.countries.join('/')}`,
          },
    );
  }
  if (query.gender && e.gender && query.gender !== e.gender) {
    out.push({
      qualifier: 'gender',
      effect: QUALIFIER_EFFECT.genderMismatch,
      detail: `${query.gender} vs ${e.gender}`,
    });
  }
  for (const id of query.identifiers ?? []) {
    const k = normaliseIdentifier(id.value);
    if (k.length >= 4 && e.identifiers.includes(k)) {
      out.push({
        qualifier: 'identifier',
        effect: QUALIFIER_EFFECT.identifier,
        detail: `identifier ${id.value}`,
      });
      break;
    }
  }
  return out;
}
