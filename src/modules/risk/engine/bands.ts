/**
 * Risk bands, ordered from least to most severe. Shared by the risk, completeness and review
 * engines: anything that needs "at least high" or "the stricter of two bands" uses `compareBands`.
 */

/** The four risk bands. `prohibited` means the firm does not onboard / keep the customer. */
export type RiskBand = 'low' | 'medium' | 'high' | 'prohibited';

/** All bands in ascending order of severity. */
export const RISK_BANDS: readonly RiskBand[] = Object.freeze(['low', 'medium', 'high', 'prohibited']);

/** True when `value` is one of the band names. */
export function isRiskBand(value: unknown): value is RiskBand {
  return typeof value === 'string' && (RISK_BANDS as readonly string[]).includes(value);
}

/** Position of a band in `RISK_BANDS` (0 = low … 3 = prohibited). */
export function bandRank(band: RiskBand): number {
  const i = RISK_BANDS.indexOf(band);
  if (i < 0) throw new TypeError(`unknown risk band: ${String(band)}`);
  return i;
}

/** Negative when `a` is less severe than `b`, 0 when equal, positive when more severe. Usable as a sort comparator. */
export function compareBands(a: RiskBand, b: RiskBand): number {
  return bandRank(a) - bandRank(b);
}

/** The most severe of the given bands (`low` for none). */
export function maxBand(...bands: RiskBand[]): RiskBand {
  let out: RiskBand = 'low';
  for (const b of bands) if (compareBands(b, out) > 0) out = b;
  return out;
}
