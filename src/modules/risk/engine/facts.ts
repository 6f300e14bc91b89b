/**
 * Facts: the flat, typed record a risk model reads, keyed by dotted names. The wiring extracts them
 * from the subject, the application, screening, the ownership graph and questionnaire answers; the
 * engine never reads anything else. `FACTS` is the catalogue of built-in names with their types, so a
 * model can be checked against it and the extraction knows what to produce. Questionnaire answers are
 * facts by pattern: `questionnaire.<form key>.<field key>` (top-level fields; their type is the
 * field's, so the engine accepts any kind of factor on them and scores a value of the wrong type as
 * invalid, with the factor's `missing` points).
 */
import { pointerSegment } from '../../../platform/definitions/problems.ts';
import { isCountryCode } from '../../subjects/countries.ts';

/** The value of a fact. `null` (or no entry) means the fact is absent. */
export type FactValue = string | number | boolean | string[] | null;

/** The type of a fact in the catalogue. `country` facts hold ISO 3166-1 alpha-2 codes. */
export type FactType = 'string' | 'number' | 'boolean' | 'string[]';

export type FactSpec = {
  type: FactType;
  /** True when the value is (or the values are) ISO 3166-1 alpha-2 country codes. */
  country?: true;
  /** Where the wiring takes it from. */
  description: string;
};

const fact = <T extends FactType>(
  type: T,
  description: string,
  country?: true,
): { type: T; country?: true; description: string } =>
  country ? { type, country, description } : { type, description };

/** The built-in facts. */
export const FACTS = Object.freeze({
  'subject.kind': fact('string', 'person or entity'),
  'subject.customerType': fact(
    'string',
    'customer type: individual, sole_trader, company, listed_company, partnership, trust, foundation, charity, public_body, …',
  ),
  'subject.countryOfResidence': fact(
    'string',
    'country of residence (person) or of the registered address',
    true,
  ),
  'subject.nationalities': fact('string[]', 'nationalities of a person', true),
  'subject.countryOfIncorporation': fact(
    'string',
    'jurisdiction of incorporation of an entity (country part)',
    true,
  ),
  'subject.pep': fact(
    'boolean',
    'the subject is a politically exposed person (or a family member / close associate)',
  ),
  'subject.industry': fact('string', 'industry code of the subject (e.g. money_services, gambling)'),
  'application.product': fact('string', 'the product applied for'),
  'application.channel': fact(
    'string',
    'how the relationship is entered: face_to_face, video, online, intermediary',
  ),
  'application.countriesOfOperation': fact(
    'string[]',
    'countries the business operates in or trades with',
    true,
  ),
  'application.expectedAnnualVolume': fact(
    'number',
    'expected yearly turnover through the account, in whole currency units',
  ),
  'screening.trueSanctionsMatch': fact('boolean', 'a screening alert was decided as a true sanctions match'),
  'screening.truePepMatch': fact('boolean', 'a screening alert was decided as a true PEP match'),
  'screening.adverseMedia': fact('boolean', 'an adverse-media hit was decided as relevant'),
  'screening.openAlerts': fact('number', 'screening alerts not decided yet'),
  'ownership.layers': fact(
    'number',
    'legal-entity layers between the customer and its ultimate beneficial owners',
  ),
  'ownership.countries': fact('string[]', 'countries of the entities in the ownership chain', true),
  'ownership.uboUnidentified': fact(
    'boolean',
    'no ultimate beneficial owner could be identified above the threshold',
  ),
  'ownership.nomineeShareholders': fact('boolean', 'nominee shareholders or bearer shares in the chain'),
  'ownership.trustInChain': fact('boolean', 'a trust or foundation in the ownership chain'),
} satisfies Record<string, FactSpec>);

export type BuiltInFactName = keyof typeof FACTS;

type TypeOf<T extends FactType> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : string[];

/** A questionnaire answer: `questionnaire.<form>.<field>`. */
export type QuestionnaireFactName = `questionnaire.${string}.${string}`;

/** The facts of one subject/application: built-in facts with their types, questionnaire answers by pattern. */
export type Facts = { readonly [K in BuiltInFactName]?: TypeOf<(typeof FACTS)[K]['type']> | null } & {
  readonly [K in QuestionnaireFactName]?: FactValue;
};

/** Questionnaire fact names; form and field keys follow the forms engine's key rules. */
export const QUESTIONNAIRE_FACT = /^questionnaire\.[a-z][a-z0-9_-]{0,62}\.[a-z][a-z0-9_]{0,62}$/;

/** The catalogue entry of a fact name, `undefined` for questionnaire facts and unknown names. */
export function factSpec(name: string): FactSpec | undefined {
  return Object.hasOwn(FACTS, name) ? (FACTS as Record<string, FactSpec>)[name] : undefined;
}

/** True for a built-in fact name or a well-formed questionnaire fact name. */
export function isKnownFact(name: string): boolean {
  return factSpec(name) !== undefined || QUESTIONNAIRE_FACT.test(name);
}

/** True when `value` is a well-formed fact value of `type` (absent values are not). */
export function hasFactType(value: unknown, type: FactType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
}

/** True for any well-formed fact value, `null` included. */
export function isFactValue(value: unknown): value is FactValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    (Array.isArray(value) && value.every((v) => typeof v === 'string'))
  );
}

/** Reads one fact: its own property only (never an inherited one), `null` when absent. */
export function readFact(facts: Facts, name: string): unknown {
  if (typeof facts !== 'object' || facts === null || !Object.hasOwn(facts, name)) return null;
  const v = (facts as Record<string, unknown>)[name];
  return v === undefined ? null : v;
}

/**
 * Checks a facts record before it is scored or stored: known names, values of the catalogue's type,
 * country codes where the catalogue says so. Returns problems with JSON-pointer paths (names escaped
 * per RFC 6901; dots need none); empty when the record is clean. Scoring does not require this: it
 * scores a bad value as invalid, but the wiring should refuse to store facts that fail it.
 */
export function validateFacts(facts: unknown): { path: string; message: string }[] {
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts))
    return [{ path: '/', message: 'must be an object' }];
  const problems: { path: string; message: string }[] = [];
  for (const [name, value] of Object.entries(facts)) {
    const path = `/${pointerSegment(name)}`;
    if (!isKnownFact(name)) {
      problems.push({ path, message: 'unknown fact' });
      continue;
    }
    if (value === null || value === undefined) continue;
    const spec = factSpec(name);
    if (!spec) {
      if (!isFactValue(value))
        problems.push({ path, message: 'must be a string, number, boolean or list of strings' });
      continue;
    }
    if (!hasFactType(value, spec.type)) {
      problems.push({
        path,
        message: `must be a ${spec.type === 'string[]' ? 'list of strings' : spec.type}`,
      });
      continue;
    }
    if (spec.country) {
      const codes = Array.isArray(value) ? value : [value as string];
      codes.forEach((c, i) => {
        if (!isCountryCode(c))
          problems.push({
            path: Array.isArray(value) ? `${path}/${i}` : path,
            message: 'must be an ISO 3166-1 alpha-2 code',
          });
      });
    }
  }
  return problems;
}
