import { Type, type Static } from 'typebox';

export const AuditEventView = Type.Object({
  seq: Type.String(),
  id: Type.String({ format: 'uuid' }),
  occurredAt: Type.String({ format: 'date-time' }),
  type: Type.String(),
  actor: Type.String(),
  /**
   * The current name behind `actor` (a staff or client user's display name, an API key's name, a
   * system actor's label), looked up when read and never stored; null when it names nothing now.
   */
  actorName: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  /** The current name of a staff user, client user, API key, role or client organisation target. */
  targetName: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
});
export type AuditEventView = Static<typeof AuditEventView>;

/** The search filters (every one given must hold). */
const AuditFilterFields = {
  type: Type.Optional(Type.String({ maxLength: 100 })),
  targetType: Type.Optional(Type.String({ maxLength: 50 })),
  targetId: Type.Optional(Type.String({ maxLength: 100 })),
  /** An actor reference as stored (`staff:<id>`, `api_key:<id>`, `client:<id>`, `system:<label>`). */
  actor: Type.Optional(Type.String({ maxLength: 200 })),
  /** Events at or after this instant. */
  from: Type.Optional(Type.String({ format: 'date-time' })),
  /** Events before this instant. */
  to: Type.Optional(Type.String({ format: 'date-time' })),
};

export const AuditFilter = Type.Object(AuditFilterFields, { additionalProperties: false });
export type AuditFilter = Static<typeof AuditFilter>;

export const AuditQuery = Type.Object(
  {
    ...AuditFilterFields,
    afterSeq: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditVerificationView = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  headSeq: Type.String(),
  headHash: Type.String(),
  firstBad: Type.Union([Type.Object({ seq: Type.String(), reason: Type.String() }), Type.Null()]),
});

/** One exported event: the stored row, with the link to its predecessor so the chain can be re-checked. */
export const AuditExportEvent = Type.Object({
  seq: Type.String(),
  id: Type.String({ format: 'uuid' }),
  occurredAt: Type.String({ format: 'date-time' }),
  type: Type.String(),
  actor: Type.String(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
  /** Hex SHA-256 of the previous row (all zeros for the first row of the trail). */
  prevHash: Type.String(),
  /** Hex SHA-256(prevHash ‖ RFC 8785 encoding of the other fields but hash and prevHash). */
  hash: Type.String(),
});

/**
 * The audit export document (`format: dossier.audit-export.v1`): the matching events oldest first,
 * the filters used, and the head of the chain when exported. Each event's hash can be recomputed
 * from its fields and prevHash; consecutive events of an unfiltered export link up to the head.
 */
export const AuditExportView = Type.Object({
  format: Type.Literal('dossier.audit-export.v1'),
  exportedAt: Type.String({ format: 'date-time' }),
  exportedBy: Type.String(),
  filters: AuditFilter,
  head: Type.Object({ seq: Type.String(), hash: Type.String() }),
  count: Type.Integer(),
  events: Type.Array(AuditExportEvent),
});
export type AuditExportView = Static<typeof AuditExportView>;
