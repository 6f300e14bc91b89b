/**
 * Builders for tests: a snapshot with sensible defaults (every list empty, never screened), and
 * subjects and documents with only what a test cares about spelled out.
 */
import type { Requirement, Requirements } from './requirements.schema.ts';
import type { CompletenessSnapshot, DocumentSnapshot, SubjectSnapshot } from './snapshot.ts';

export function person(id: string, extra: Partial<SubjectSnapshot> = {}): SubjectSnapshot {
  return {
    id,
    entityType: 'person',
    roles: [],
    graphRoles: [],
    presentFields: [],
    facts: {},
    documents: [],
    questionnaires: [],
    screening: { lastScreenedOn: null, unresolvedAlerts: 0 },
    ownership: null,
    ...extra,
  };
}

export function entity(id: string, extra: Partial<SubjectSnapshot> = {}): SubjectSnapshot {
  return person(id, { entityType: 'entity', ...extra });
}

export function doc(id: string, type: string, extra: Partial<DocumentSnapshot> = {}): DocumentSnapshot {
  return { id, type, status: 'unchecked', issuedOn: null, expiresOn: null, ...extra };
}

export function snapshot(
  subjects: SubjectSnapshot[],
  application: Partial<CompletenessSnapshot['application']> = {},
): CompletenessSnapshot {
  return {
    application: {
      id: 'app-1',
      status: 'draft',
      band: 'low',
      facts: {},
      documents: [],
      questionnaires: [],
      ...application,
    },
    uboThresholdPpm: 250_000,
    subjects,
  };
}

export function defs(requirements: Requirement[], gates: Requirements['gates'] = []): Requirements {
  return { requirements, gates };
}
