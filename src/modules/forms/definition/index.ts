/**
 * Public surface of the forms engine: the definition model, definition checking, answer validation
 * and version comparison. Pure functions, no I/O: storage and HTTP belong to the callers.
 */
export {
  TEXT_FORMATS,
  FIELD_KINDS,
  DATE_RULES,
  type TextFormat,
  type FieldKind,
  type DateRule,
  type Condition,
  type ConditionValue,
  type ChoiceOption,
  type TextField,
  type TextareaField,
  type NumberField,
  type DateField,
  type BooleanField,
  type ChoiceField,
  type MultichoiceField,
  type CountryField,
  type GroupField,
  type Field,
  type FormDefinition,
} from './definition.schema.ts';
export { LIMITS } from './limits.ts';
export { validateDefinition, parseDefinition, type Problem } from './validate-definition.ts';
export {
  validateAnswers,
  type AnswerError,
  type AnswerErrorCode,
  type AnswersResult,
  type ValidateAnswersOptions,
} from './validate-answers.ts';
export {
  diffDefinitions,
  type DefinitionDiff,
  type FieldSummary,
  type PropertyChange,
} from './diff-definitions.ts';
