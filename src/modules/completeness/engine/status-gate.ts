/**
 * Status gates: whether an application may enter a status given what is missing. A gate names the
 * kinds of requirement that block entering its status and the kinds that only warn; kinds in neither
 * list do not matter there. A status without a gate is never blocked, and staying in the same status
 * is not entering it.
 */
import type { MissingItem } from './evaluate-completeness.ts';
import type { Requirements, StatusGate } from './requirements.schema.ts';

export type GateDecision = {
  allowed: boolean;
  from: string;
  to: string;
  /** The gate applied, or null when `to` has none (or from === to). */
  gate: StatusGate | null;
  /** Missing items that stop the move (empty when allowed). */
  blocking: MissingItem[];
  /** Missing items shown as warnings; they do not stop the move. */
  warnings: MissingItem[];
};

/** Decides the move `fromStatus → toStatus` against the missing items of evaluateCompleteness. Pure. */
export function checkStatusGate(
  requirements: Requirements,
  fromStatus: string,
  toStatus: string,
  missing: readonly MissingItem[],
): GateDecision {
  const gate = fromStatus === toStatus ? undefined : requirements.gates.find((g) => g.status === toStatus);
  if (!gate) return { allowed: true, from: fromStatus, to: toStatus, gate: null, blocking: [], warnings: [] };
  const warn = gate.warn ?? [];
  const blocking = missing.filter((m) => gate.block.includes(m.kind));
  const warnings = missing.filter((m) => warn.includes(m.kind));
  return { allowed: blocking.length === 0, from: fromStatus, to: toStatus, gate, blocking, warnings };
}
