/**
 * A programme's status machine: the statuses an application can be in and the moves between them.
 * Pure functions only, so the rules are tested alone and shared by programme changes and
 * application transitions.
 */
import type { RiskLevel, StatusDef, TransitionDef } from '../../db/types.ts';
import { isRight } from '../access/rights.ts';
import { validationError } from '../../platform/errors.ts';

export type { RiskLevel, StatusDef, TransitionDef };

/** Risk levels, lowest first. */
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high'];

/** Whether `level` is at most `max`. */
export function riskAtMost(level: RiskLevel, max: RiskLevel): boolean {
  return RISK_LEVELS.indexOf(level) <= RISK_LEVELS.indexOf(max);
}

/** A complete status machine as stored on a programme. */
export interface StatusMachine {
  statuses: StatusDef[];
  transitions: TransitionDef[];
}

/** A problem found in a status machine; `path` points into the input (e.g. `statuses/2/key`). */
export interface MachineProblem {
  path: string;
  message: string;
}

export const STATUS_KEY_PATTERN = '^[a-z][a-z0-9_]{0,39}$';
const STATUS_KEY = new RegExp(STATUS_KEY_PATTERN);

/**
 * The machine a programme gets when none is given:
 *
 * ```
 * draft ──▶ in_review ──▶ approved (terminal)
 *   ▲           │  └────▶ rejected (terminal)
 *   └───────────┘
 * ```
 *
 * `draft` is initial; a reviewer can send a file back from `in_review` to `draft`.
 */
export function defaultStatusMachine(): StatusMachine {
  return {
    statuses: [
      { key: 'draft', label: 'Draft', initial: true },
      { key: 'in_review', label: 'In review' },
      { key: 'approved', label: 'Approved', terminal: true },
      { key: 'rejected', label: 'Rejected', terminal: true },
    ],
    transitions: [
      { from: 'draft', to: 'in_review' },
      { from: 'in_review', to: 'draft' },
      { from: 'in_review', to: 'approved' },
      { from: 'in_review', to: 'rejected' },
    ],
  };
}

/**
 * Checks a status machine and returns every problem found (empty when valid): keys are slugs and
 * unique, exactly one status is initial and it is not terminal, transitions name known statuses,
 * are not duplicated, do not loop on one status and never leave a terminal status; their rules
 * name rights of the catalogue and known risk levels.
 */
export function validateStatusMachine(machine: StatusMachine): MachineProblem[] {
  const problems: MachineProblem[] = [];
  const byKey = new Map<string, StatusDef>();
  if (machine.statuses.length === 0)
    problems.push({ path: 'statuses', message: 'at least one status is required' });
  machine.statuses.forEach((s, i) => {
    if (!STATUS_KEY.test(s.key))
      problems.push({ path: `statuses/${i}/key`, message: `"${s.key}" is not a valid status key` });
    if (byKey.has(s.key))
      problems.push({ path: `statuses/${i}/key`, message: `duplicate status "${s.key}"` });
    else byKey.set(s.key, s);
  });
  const initials = machine.statuses.filter((s) => s.initial === true);
  if (initials.length !== 1) {
    problems.push({
      path: 'statuses',
      message: `exactly one status must be initial (found ${initials.length})`,
    });
  } else if (initials[0]!.terminal === true) {
    // An application created in a terminal status could never move; that is a configuration mistake.
    problems.push({
      path: 'statuses',
      message: `the initial status "${initials[0]!.key}" cannot be terminal`,
    });
  }
  const seen = new Set<string>();
  machine.transitions.forEach((t, i) => {
    const path = `transitions/${i}`;
    const from = byKey.get(t.from);
    if (!from) problems.push({ path: `${path}/from`, message: `unknown status "${t.from}"` });
    if (!byKey.has(t.to)) problems.push({ path: `${path}/to`, message: `unknown status "${t.to}"` });
    if (t.from === t.to)
      problems.push({ path, message: `a status cannot transition to itself ("${t.from}")` });
    if (from?.terminal === true)
      problems.push({ path, message: `"${t.from}" is terminal: no transition may leave it` });
    const id = `${t.from}\u0000${t.to}`;
    if (seen.has(id)) problems.push({ path, message: `duplicate transition ${t.from} → ${t.to}` });
    seen.add(id);
    problems.push(...ruleProblems(t, path));
  });
  return problems;
}

/** Problems of a transition's decision rules: rights from the catalogue, known risk levels, no duplicates. */
function ruleProblems(t: TransitionDef, path: string): MachineProblem[] {
  const problems: MachineProblem[] = [];
  if (t.right !== undefined && !isRight(t.right))
    problems.push({ path: `${path}/right`, message: `unknown right "${t.right}"` });
  if (t.maxRisk !== undefined && !RISK_LEVELS.includes(t.maxRisk))
    problems.push({ path: `${path}/maxRisk`, message: `unknown risk level "${String(t.maxRisk)}"` });
  if (t.limits !== undefined) {
    if (t.limits.length === 0) problems.push({ path: `${path}/limits`, message: 'limits cannot be empty' });
    const rights = new Set<string>();
    t.limits.forEach((l, j) => {
      if (!isRight(l.right))
        problems.push({ path: `${path}/limits/${j}/right`, message: `unknown right "${l.right}"` });
      else if (rights.has(l.right))
        problems.push({ path: `${path}/limits/${j}/right`, message: `duplicate right "${l.right}"` });
      rights.add(l.right);
      if (!RISK_LEVELS.includes(l.maxRisk))
        problems.push({
          path: `${path}/limits/${j}/maxRisk`,
          message: `unknown risk level "${String(l.maxRisk)}"`,
        });
    });
  }
  return problems;
}

/** The key of the initial status. The machine must be valid. */
export function initialStatus(machine: StatusMachine): string {
  const initial = machine.statuses.find((s) => s.initial === true);
  if (!initial) throw new Error('status machine has no initial status');
  return initial.key;
}

/** The statuses reachable in one move from `from`, in the order the transitions are declared. */
export function allowedTargets(machine: StatusMachine, from: string): string[] {
  return machine.transitions.filter((t) => t.from === from).map((t) => t.to);
}

/** Whether `from → to` is a declared transition. */
export function canTransition(machine: StatusMachine, from: string, to: string): boolean {
  return machine.transitions.some((t) => t.from === from && t.to === to);
}

/** The declared transition `from → to` with its rules, or undefined. */
export function transitionRule(machine: StatusMachine, from: string, to: string): TransitionDef | undefined {
  return machine.transitions.find((t) => t.from === from && t.to === to);
}

/**
 * A transition in its stored form: `from`, `to`, and only the rules that are set (`fourEyes` only
 * when true), so a machine without rules is stored exactly as before rules existed.
 */
export function normaliseTransition(t: TransitionDef): TransitionDef {
  const out: TransitionDef = { from: t.from, to: t.to };
  if (t.right !== undefined) out.right = t.right;
  if (t.maxRisk !== undefined) out.maxRisk = t.maxRisk;
  if (t.limits !== undefined) out.limits = t.limits.map((l) => ({ right: l.right, maxRisk: l.maxRisk }));
  if (t.fourEyes === true) out.fourEyes = true;
  if (t.screeningClear === true) out.screeningClear = true;
  return out;
}

/** A machine in its stored form: explicit booleans, no extra fields. */
export function normaliseStatusMachine(machine: StatusMachine): StatusMachine {
  return {
    statuses: machine.statuses.map((s) => ({
      key: s.key,
      label: s.label,
      initial: s.initial === true,
      terminal: s.terminal === true,
    })),
    transitions: machine.transitions.map(normaliseTransition),
  };
}

/** The machine in its stored form; throws a validation error listing every problem when it is not valid. */
export function checkedStatusMachine(machine: StatusMachine): StatusMachine {
  const normalised = normaliseStatusMachine(machine);
  const problems = validateStatusMachine(normalised);
  if (problems.length) throw validationError('invalid status machine', problems);
  return normalised;
}
