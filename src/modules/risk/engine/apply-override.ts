/**
 * A manual override of a computed band, as data: the effective band becomes the override while the
 * computed band (and its explanation) is kept beside it. Who may override, the four-eyes
 * confirmation and storage are the wiring's; this checks the request itself:
 * - the explanation must reproduce (reproduceScore), so nobody overrides a tampered score;
 * - the band must be a band, and differ from the computed one;
 * - the justification must be real text of bounded length (control characters refused);
 * - an override may not go below a band forced by a rule (a true sanctions match, a prohibited
 *   country): those follow from facts, so the facts are what must change (e.g. the screening alert
 *   decided as a false positive), which leaves a trace of its own.
 */
import { compareBands, isRiskBand, maxBand, type RiskBand } from './bands.ts';
import type { Problem } from './conditions.ts';
import type { RiskExplanation } from './explanation.schema.ts';
import { LIMITS } from './limits.ts';
import { reproduceScore } from './reproduce-score.ts';

export type OverrideRequest = { band: RiskBand; justification: string };

export type OverriddenBand = {
  modelVersion: number;
  /** The overall score, score units, as computed. */
  overall: number;
  computedBand: RiskBand;
  /** The override: the band that applies. */
  effectiveBand: RiskBand;
  direction: 'up' | 'down';
  /** The most severe band forced by rules (`low` when none fired): the floor of any override. */
  forcedFloor: RiskBand;
  /** Trimmed and NFC-normalised. */
  justification: string;
};

/** Checks an override request against an explanation; returns the effective band or the problems. */
export function applyOverride(
  explanation: RiskExplanation,
  request: OverrideRequest,
): { ok: true; result: OverriddenBand } | { ok: false; problems: Problem[] } {
  const reproduced = reproduceScore(explanation);
  if (!reproduced.ok)
    return {
      ok: false,
      problems: [{ path: '/explanation', message: 'the score does not reproduce from its explanation' }],
    };
  const problems: Problem[] = [];
  const band = request?.band;
  const forcedFloor = maxBand(...explanation.forced.map((f) => f.atLeast));
  if (!isRiskBand(band))
    problems.push({ path: '/band', message: 'must be one of: low, medium, high, prohibited' });
  else if (band === explanation.band)
    problems.push({ path: '/band', message: 'is the computed band already' });
  else if (compareBands(band, forcedFloor) < 0)
    problems.push({
      path: '/band',
      message: `may not be below "${forcedFloor}", forced by ${explanation.forced
        .filter((f) => f.atLeast === forcedFloor)
        .map((f) => f.reason)
        .join(', ')}`,
    });
  const justification =
    typeof request?.justification === 'string' ? request.justification.normalize('NFC').trim() : '';
  if (typeof request?.justification !== 'string')
    problems.push({ path: '/justification', message: 'must be text' });
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/.test(justification))
    problems.push({ path: '/justification', message: 'must not contain control characters' });
  else if (
    [...justification].length < LIMITS.minJustification ||
    [...justification].length > LIMITS.maxJustification
  )
    problems.push({
      path: '/justification',
      message: `must be ${LIMITS.minJustification} to ${LIMITS.maxJustification} characters`,
    });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    result: {
      modelVersion: explanation.modelVersion,
      overall: explanation.overall,
      computedBand: explanation.band,
      effectiveBand: band as RiskBand,
      direction: compareBands(band as RiskBand, explanation.band) > 0 ? 'up' : 'down',
      forcedFloor,
      justification,
    },
  };
}
