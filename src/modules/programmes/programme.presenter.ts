import type { Row } from '../../db/types.ts';
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
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
