import { Type, type Static } from 'typebox';

export const AddTrustedNetworkBody = Type.Object(
  {
    /** IPv4 or IPv6 range in CIDR notation; stored in canonical form (see canonicaliseCidr). */
    cidr: Type.String({ minLength: 3, maxLength: 64 }),
    /** What the range is, for the people reviewing the list ("Head office LAN"). */
    label: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type AddTrustedNetworkBody = Static<typeof AddTrustedNetworkBody>;

export const TrustedNetworkView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  /** Canonical form: network address, RFC 5952 for IPv6, IPv4-mapped ranges as IPv4. */
  cidr: Type.String(),
  label: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
});
export type TrustedNetworkView = Static<typeof TrustedNetworkView>;

export const TrustedNetworkList = Type.Object({ items: Type.Array(TrustedNetworkView) });
export type TrustedNetworkList = Static<typeof TrustedNetworkList>;
