/**
 * A small model whose scores are easy to compute by hand, for the engine's tests.
 *
 * Categories: geo (weight 50, max, no cap), cust (weight 30, sum, cap 50 points), scr (weight 10, sum).
 * Thresholds: medium 20, high 40, prohibited 75 points (the highest score possible is 77).
 */
import type { RiskModel } from './model.schema.ts';

export function testModel(): RiskModel {
  return {
    version: 3,
    tables: {
      countryRisk: {
        label: 'Country risk',
        keys: 'country',
        default: 10,
        entries: { GB: 0, AE: 40, IR: 100 },
      },
    },
    categories: [
      { id: 'geo', label: 'Geography', weight: 50, aggregation: 'max' },
      { id: 'cust', label: 'Customer', weight: 30, aggregation: 'sum', cap: 50 },
      { id: 'scr', label: 'Screening', weight: 10, aggregation: 'sum' },
    ],
    factors: [
      {
        id: 'residence',
        label: 'Residence',
        category: 'geo',
        fact: 'subject.countryOfResidence',
        kind: 'lookup',
        table: 'countryRisk',
        missing: 30,
        weight: 100,
      },
      {
        id: 'nationality',
        label: 'Nationality',
        category: 'geo',
        fact: 'subject.nationalities',
        kind: 'lookup',
        table: 'countryRisk',
        missing: 0,
        weight: 50,
      },
      {
        id: 'type',
        label: 'Customer type',
        category: 'cust',
        fact: 'subject.customerType',
        kind: 'choice',
        options: [
          { value: 'individual', points: 0 },
          { value: 'company', points: 20 },
          { value: 'trust', points: 40 },
        ],
        otherwise: 25,
        missing: 35,
        weight: 100,
      },
      {
        id: 'pep',
        label: 'PEP',
        category: 'cust',
        fact: 'subject.pep',
        kind: 'boolean',
        whenTrue: 40,
        whenFalse: 5,
        missing: 10,
        weight: 150,
      },
      {
        id: 'layers',
        label: 'Ownership layers',
        category: 'cust',
        fact: 'ownership.layers',
        kind: 'ranges',
        ranges: [
          { from: 0, points: 0 },
          { from: 2, points: 10 },
          { from: 4, points: 30 },
        ],
        missing: 15,
        weight: 100,
      },
      {
        id: 'sanctions',
        label: 'Sanctions match',
        category: 'scr',
        fact: 'screening.trueSanctionsMatch',
        kind: 'boolean',
        whenTrue: 100,
        missing: 0,
        weight: 100,
      },
      {
        id: 'alerts',
        label: 'Open alerts',
        category: 'scr',
        fact: 'screening.openAlerts',
        kind: 'ranges',
        ranges: [{ from: 1, points: 20 }],
        below: 0,
        missing: 0,
        weight: 100,
      },
    ],
    thresholds: { medium: 20, high: 40, prohibited: 75 },
    rules: [
      {
        id: 'sanctions',
        reason: 'SANCTIONS_TRUE_MATCH',
        label: 'Confirmed sanctions match',
        atLeast: 'high',
        when: { fact: 'screening.trueSanctionsMatch', equals: true },
      },
      {
        id: 'prohibited_residence',
        reason: 'PROHIBITED_COUNTRY',
        label: 'Prohibited country',
        atLeast: 'prohibited',
        when: { fact: 'subject.countryOfResidence', in: ['IR', 'KP'] },
      },
      {
        id: 'cash_business',
        reason: 'CASH_BUSINESS',
        label: 'Cash business declared',
        atLeast: 'medium',
        when: { fact: 'questionnaire.kyc.cash_business', equals: true },
      },
    ],
  };
}

/** A model with one category (weight 100) and one choice factor (weight 100): overall = points exactly. */
export function onePointModel(): RiskModel {
  return {
    version: 1,
    tables: {},
    categories: [{ id: 'only', label: 'Only', weight: 100, aggregation: 'sum' }],
    factors: [
      {
        id: 'p',
        label: 'Points',
        category: 'only',
        fact: 'subject.industry',
        kind: 'choice',
        options: [19, 20, 39, 40, 79, 80, 100].map((n) => ({ value: `p${n}`, points: n })),
        otherwise: 0,
        missing: 0,
        weight: 100,
      },
    ],
    thresholds: { medium: 20, high: 40, prohibited: 80 },
    rules: [],
  };
}
