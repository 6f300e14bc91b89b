/**
 * The default risk model a new programme starts from: a conventional risk-based approach (FATF
 * Recommendation 1 and 10, the EU AML directives' risk factors in Annexes II and III) that a firm is
 * expected to adapt and approve as its own. Every value is a starting point, not advice.
 *
 * Scale: factors give 0–100 points; every category is capped at 100 points and the category weights
 * add up to 100 %, so the overall score runs from 0 to 100 points (0 to 1,000,000 score units):
 *   low < 25 ≤ medium < 50 ≤ high < 85 ≤ prohibited.
 * Forcing rules carry what must not be averaged away: a confirmed sanctions match, residence or
 * incorporation in a country under an FATF call for action, a PEP (enhanced due diligence is
 * mandatory), a high-risk third country (likewise), an ultimate owner that cannot be identified.
 */
import type { RiskModel } from './model.schema.ts';

/**
 * Countries under the FATF "call for action" (the black list, as published in 2025): DPRK, Iran,
 * Myanmar. Residence or incorporation there is prohibited by the default rules.
 */
export const FATF_CALL_FOR_ACTION = ['KP', 'IR', 'MM'] as const;

/**
 * Jurisdictions under FATF increased monitoring (the grey list, as published in 2025), which the EU
 * list of high-risk third countries largely follows: a 2025 snapshot. FATF revises it three times a
 * year; firms must keep this table current.
 */
export const FATF_INCREASED_MONITORING = [
  'DZ',
  'AO',
  'BO',
  'BG',
  'BF',
  'CM',
  'CI',
  'CD',
  'HT',
  'KE',
  'LA',
  'LB',
  'MC',
  'MZ',
  'NA',
  'NP',
  'NG',
  'ZA',
  'SS',
  'SY',
  'TZ',
  'VE',
  'VN',
  'VG',
  'YE',
] as const;

/** Countries with AML regimes assessed as effective and a low corruption level: 5 points. */
const LOW_RISK = [
  'AT',
  'AU',
  'BE',
  'CA',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'GR',
  'IE',
  'IS',
  'IT',
  'JP',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'NZ',
  'PL',
  'PT',
  'SE',
  'SI',
  'SK',
  'US',
] as const;

/** Country risk: black list 100, grey list 70, low-risk list 5, anywhere else 25. */
function countryRisk(): Record<string, number> {
  const entries: Record<string, number> = {};
  for (const c of LOW_RISK) entries[c] = 5;
  for (const c of FATF_INCREASED_MONITORING) entries[c] = 70;
  for (const c of FATF_CALL_FOR_ACTION) entries[c] = 100;
  return entries;
}

/** A fresh copy of the default model (callers may change it). */
export function defaultRiskModel(): RiskModel {
  return {
    version: 1,
    tables: {
      countryRisk: { label: 'Country risk', keys: 'country', default: 25, entries: countryRisk() },
    },
    categories: [
      // The worst country counts: a low-risk nationality does not dilute a high-risk residence.
      { id: 'geography', label: 'Geography', weight: 30, aggregation: 'max', cap: 100 },
      { id: 'customer_type', label: 'Customer type', weight: 20, aggregation: 'sum', cap: 100 },
      { id: 'product', label: 'Product', weight: 15, aggregation: 'max', cap: 100 },
      { id: 'channel', label: 'Delivery channel', weight: 10, aggregation: 'max', cap: 100 },
      { id: 'screening', label: 'Screening', weight: 15, aggregation: 'max', cap: 100 },
      { id: 'ownership_complexity', label: 'Ownership complexity', weight: 10, aggregation: 'sum', cap: 100 },
    ],
    factors: [
      // Geography. An unknown residence scores like a grey-list country until it is known.
      {
        id: 'residence',
        label: 'Country of residence',
        category: 'geography',
        fact: 'subject.countryOfResidence',
        kind: 'lookup',
        table: 'countryRisk',
        missing: 70,
        weight: 100,
      },
      {
        id: 'nationality',
        label: 'Nationality',
        category: 'geography',
        fact: 'subject.nationalities',
        kind: 'lookup',
        table: 'countryRisk',
        missing: 0,
        weight: 100,
      },
      {
        id: 'incorporation',
        label: 'Country of incorporation',
        category: 'geography',
        fact: 'subject.countryOfIncorporation',
        kind: 'lookup',
        table: 'countryRisk',
        missing: 0,
        weight: 100,
      },
      {
        id: 'operations',
        label: 'Countries of operation',
        category: 'geography',
        fact: 'application.countriesOfOperation',
        kind: 'lookup',
        table: 'countryRisk',
        missing: 0,
        weight: 80,
      },
      {
        id: 'ownership_countries',
        label: 'Countries in the ownership chain',
        category: 'geography',
        fact: 'ownership.countries',
        kind: 'lookup',
        table: 'countryRisk',
        missing: 0,
        weight: 80,
      },
      // Customer type: opaque structures and cash-intensive businesses (EU AMLD Annex III).
      {
        id: 'customer_type',
        label: 'Customer type',
        category: 'customer_type',
        fact: 'subject.customerType',
        kind: 'choice',
        missing: 40,
        weight: 100,
        otherwise: 30,
        options: [
          { value: 'individual', points: 0 },
          { value: 'listed_company', points: 0 },
          { value: 'public_body', points: 0 },
          { value: 'sole_trader', points: 10 },
          { value: 'company', points: 20 },
          { value: 'partnership', points: 20 },
          { value: 'charity', points: 40 },
          { value: 'foundation', points: 50 },
          { value: 'trust', points: 60 },
        ],
      },
      {
        id: 'pep',
        label: 'Politically exposed person',
        category: 'customer_type',
        fact: 'subject.pep',
        kind: 'boolean',
        whenTrue: 60,
        missing: 20,
        weight: 100,
      },
      {
        id: 'industry',
        label: 'Cash-intensive or high-risk industry',
        category: 'customer_type',
        fact: 'subject.industry',
        kind: 'choice',
        missing: 20,
        weight: 100,
        otherwise: 0,
        options: [
          { value: 'money_services', points: 60 },
          { value: 'crypto_assets', points: 60 },
          { value: 'gambling', points: 50 },
          { value: 'precious_metals', points: 50 },
          { value: 'arms', points: 60 },
          { value: 'cash_intensive_retail', points: 40 },
          { value: 'real_estate', points: 30 },
          { value: 'art_dealing', points: 40 },
        ],
      },
      // Product and channel.
      {
        id: 'product',
        label: 'Product',
        category: 'product',
        fact: 'application.product',
        kind: 'choice',
        missing: 40,
        weight: 100,
        otherwise: 30,
        options: [
          { value: 'savings_account', points: 5 },
          { value: 'current_account', points: 15 },
          { value: 'lending', points: 10 },
          { value: 'payments', points: 40 },
          { value: 'trade_finance', points: 50 },
          { value: 'private_banking', points: 60 },
          { value: 'correspondent_banking', points: 80 },
        ],
      },
      {
        id: 'volume',
        label: 'Expected yearly volume',
        category: 'product',
        fact: 'application.expectedAnnualVolume',
        kind: 'ranges',
        missing: 30,
        weight: 100,
        below: 0,
        ranges: [
          { from: 0, points: 0 },
          { from: 250_000, points: 20 },
          { from: 1_000_000, points: 40 },
          { from: 10_000_000, points: 60 },
        ],
      },
      {
        id: 'channel',
        label: 'Delivery channel',
        category: 'channel',
        fact: 'application.channel',
        kind: 'choice',
        missing: 50,
        weight: 100,
        otherwise: 50,
        options: [
          { value: 'face_to_face', points: 0 },
          { value: 'video', points: 15 },
          { value: 'online', points: 35 },
          { value: 'intermediary', points: 50 },
        ],
      },
      // Screening outcomes (decided alerts only; open alerts count a little until decided).
      {
        id: 'sanctions',
        label: 'Confirmed sanctions match',
        category: 'screening',
        fact: 'screening.trueSanctionsMatch',
        kind: 'boolean',
        whenTrue: 100,
        missing: 0,
        weight: 100,
      },
      {
        id: 'pep_match',
        label: 'Confirmed PEP match',
        category: 'screening',
        fact: 'screening.truePepMatch',
        kind: 'boolean',
        whenTrue: 60,
        missing: 0,
        weight: 100,
      },
      {
        id: 'adverse_media',
        label: 'Relevant adverse media',
        category: 'screening',
        fact: 'screening.adverseMedia',
        kind: 'boolean',
        whenTrue: 70,
        missing: 0,
        weight: 100,
      },
      {
        id: 'open_alerts',
        label: 'Undecided alerts',
        category: 'screening',
        fact: 'screening.openAlerts',
        kind: 'ranges',
        missing: 0,
        weight: 100,
        ranges: [
          { from: 0, points: 0 },
          { from: 1, points: 30 },
        ],
      },
      // Ownership complexity.
      {
        id: 'layers',
        label: 'Ownership layers',
        category: 'ownership_complexity',
        fact: 'ownership.layers',
        kind: 'ranges',
        missing: 0,
        weight: 100,
        ranges: [
          { from: 0, points: 0 },
          { from: 2, points: 20 },
          { from: 3, points: 40 },
          { from: 4, points: 70 },
        ],
      },
      {
        id: 'nominees',
        label: 'Nominee shareholders or bearer shares',
        category: 'ownership_complexity',
        fact: 'ownership.nomineeShareholders',
        kind: 'boolean',
        whenTrue: 50,
        missing: 0,
        weight: 100,
      },
      {
        id: 'trust_in_chain',
        label: 'Trust or foundation in the chain',
        category: 'ownership_complexity',
        fact: 'ownership.trustInChain',
        kind: 'boolean',
        whenTrue: 30,
        missing: 0,
        weight: 100,
      },
      {
        id: 'ubo_unidentified',
        label: 'Beneficial owner not identified',
        category: 'ownership_complexity',
        fact: 'ownership.uboUnidentified',
        kind: 'boolean',
        whenTrue: 100,
        missing: 0,
        weight: 100,
      },
    ],
    thresholds: { medium: 25, high: 50, prohibited: 85 },
    rules: [
      {
        id: 'sanctions_true_match',
        reason: 'SANCTIONS_TRUE_MATCH',
        label: 'Confirmed sanctions match',
        atLeast: 'high',
        when: { fact: 'screening.trueSanctionsMatch', equals: true },
      },
      {
        id: 'prohibited_residence',
        reason: 'PROHIBITED_COUNTRY',
        label: 'Resident in a country under an FATF call for action',
        atLeast: 'prohibited',
        when: { fact: 'subject.countryOfResidence', in: [...FATF_CALL_FOR_ACTION] },
      },
      {
        id: 'prohibited_incorporation',
        reason: 'PROHIBITED_COUNTRY',
        label: 'Incorporated in a country under an FATF call for action',
        atLeast: 'prohibited',
        when: { fact: 'subject.countryOfIncorporation', in: [...FATF_CALL_FOR_ACTION] },
      },
      {
        id: 'pep',
        reason: 'PEP',
        label: 'Politically exposed person: enhanced due diligence',
        atLeast: 'high',
        when: {
          any: [
            { fact: 'subject.pep', equals: true },
            { fact: 'screening.truePepMatch', equals: true },
          ],
        },
      },
      {
        id: 'high_risk_third_country',
        reason: 'HIGH_RISK_THIRD_COUNTRY',
        label: 'Established in a high-risk third country: enhanced due diligence',
        atLeast: 'high',
        when: {
          any: [
            { fact: 'subject.countryOfResidence', lookup: { table: 'countryRisk', atLeast: 70 } },
            { fact: 'subject.countryOfIncorporation', lookup: { table: 'countryRisk', atLeast: 70 } },
          ],
        },
      },
      {
        id: 'ubo_unidentified',
        reason: 'UBO_UNIDENTIFIED',
        label: 'Beneficial owner not identified',
        atLeast: 'high',
        when: { fact: 'ownership.uboUnidentified', equals: true },
      },
    ],
  };
}
