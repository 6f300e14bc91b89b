import type { Row } from '../../db/types.ts';
import { DEFAULT_ALLOWED_EXTENSIONS } from '../documents/inspection/index.ts';
import type { EntityType, ProgrammeView } from './programme.schema.ts';
import { normaliseTransition } from './status-machine.ts';

/** Programme row → view. Status and transition objects are rebuilt field by field, never passed through. */
export function presentProgramme(row: Row<'programmes'>): ProgrammeView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    allowedEntityTypes: row.allowed_entity_types as EntityType[],
    statuses: row.statuses.map((s) => ({
      key: s.key,
      label: s.label,
      initial: s.initial === true,
      terminal: s.terminal === true,
    })),
    transitions: row.transitions.map(normaliseTransition),
    // numeric comes back as a string from both drivers.
    uboThreshold: Number(row.ubo_threshold),
    subjectSharing: row.subject_sharing,
    documentTypes: row.document_types.map((t) => ({
      code: t.code,
      label: t.label,
      appliesTo: t.appliesTo,
      required: t.required === true,
      expires: t.expires === true,
    })),
    documentExtensions: [...(row.document_extensions ?? DEFAULT_ALLOWED_EXTENSIONS)],
    documentExtensionsCustom: row.document_extensions !== null,
    documentExpiryNoticeDays: row.document_expiry_notice_days,
    screeningProfile: {
      threshold: row.screening_profile.threshold,
      lists: row.screening_profile.lists,
      subjectKinds: row.screening_profile.subjectKinds,
      rescreenDays: row.screening_profile.rescreenDays ?? null,
    },
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
