/**
 * Hard limits of the forms engine. They bound the work done for one definition or one set of answers,
 * whatever a definition says, so that neither a hostile definition nor hostile answers can make the
 * engine slow or the stored documents large.
 */

export const LIMITS = {
  /** Fields in one definition, counting the fields of groups (each definition field once). */
  maxFields: 500,
  /** Options of one choice or multichoice field. */
  maxOptions: 200,
  /** Title, field labels and option labels, in characters. */
  maxLabel: 500,
  /** Help text of a field, in characters. */
  maxHelp: 2000,
  /** Option values, in characters. */
  maxOptionValue: 200,
  /** Groups inside groups: a top-level group is level 1, a group inside it level 2. */
  maxGroupDepth: 2,
  /** Items of one repeating group. */
  maxGroupItems: 100,
  /** Nesting of all/any/not in one condition, and its total number of nodes. */
  maxConditionDepth: 5,
  maxConditionNodes: 50,
  /** Values of an `in` condition. */
  maxConditionValues: 200,
  /** Serialised size of a definition, in bytes (UTF-8). */
  maxDefinitionBytes: 1024 * 1024,
  /** Text and textarea lengths apply even when a definition sets none (characters). */
  maxText: 1000,
  maxTextarea: 10_000,
  /** Serialised size of one set of answers, in bytes (UTF-8). */
  maxAnswerBytes: 256 * 1024,
  /** Nesting of the answers document; legitimate answers need at most 6. */
  maxAnswerDepth: 16,
  /** Errors returned for one call; the rest are counted but not listed. */
  maxErrors: 100,
} as const;

/** Field keys: lower-case identifiers, safe as JSON keys, SQL JSON paths and form-control names. */
export const FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;

/** Form keys additionally allow hyphens (`kyc-individual`). */
export const FORM_KEY = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * Keys that match FIELD_KEY but name inherited members of plain objects or functions. Refused so that
 * no consumer of the answers (here or downstream) can confuse an absent answer with an inherited one.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['constructor', 'prototype']);
