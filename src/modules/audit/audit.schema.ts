import { Type, type Static } from 'typebox';

export const AuditEventView = Type.Object({
  seq: Type.String(),
  id: Type.String({ format: 'uuid' }),
  occurredAt: Type.String({ format: 'date-time' }),
  type: Type.String(),
  actor: Type.String(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
});
export type AuditEventView = Static<typeof AuditEventView>;

export const AuditQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 100 })),
    targetType: Type.Optional(Type.String({ maxLength: 50 })),
    targetId: Type.Optional(Type.String({ maxLength: 100 })),
    actor: Type.Optional(Type.String({ maxLength: 200 })),
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
