import { Type, type Static } from 'typebox';
import { ALL_RIGHTS } from '../access/rights.ts';

export const RightSchema = Type.Union(ALL_RIGHTS.map((r) => Type.Literal(r)));

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    rights: Type.Array(RightSchema, { minItems: 1, uniqueItems: true }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    /**
     * The programmes whose data the key may see. Omitted: the creator's own (every programme for an
     * all-programme creator). Only programmes the creator sees may be given.
     */
    programmeIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), { uniqueItems: true, maxItems: 1000 }),
    ),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

export const ApiKeyView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  prefix: Type.String(),
  name: Type.String(),
  rights: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** null: every programme. */
  programmeIds: Type.Union([Type.Array(Type.String({ format: 'uuid' })), Type.Null()]),
});
export type ApiKeyView = Static<typeof ApiKeyView>;

export const CreatedApiKeyView = Type.Object({
  apiKey: ApiKeyView,
  /** Shown once; only its hash is stored. */
  token: Type.String(),
});
