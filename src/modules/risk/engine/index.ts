/**
 * Public surface of the risk engine: bands, facts, the risk model and its checks, explainable
 * scoring, re-checking stored scores, overrides and model diffs. Pure functions, no I/O, no clock:
 * storage, rights, four-eyes and HTTP belong to the callers.
 */
export { RISK_BANDS, isRiskBand, bandRank, compareBands, maxBand, type RiskBand } from './bands.ts';
export {
  FACTS,
  QUESTIONNAIRE_FACT,
  factSpec,
  isKnownFact,
  isFactValue,
  validateFacts,
  type Facts,
  type FactValue,
  type FactType,
  type FactSpec,
  type BuiltInFactName,
  type QuestionnaireFactName,
} from './facts.ts';
export { LIMITS, SCORE_SCALE, CENTI, formatScore } from './limits.ts';
export {
  AGGREGATIONS,
  BUILT_IN_CATEGORIES,
  FACTOR_KINDS,
  RiskModelShape,
  type Aggregation,
  type FactorKind,
  type ConditionValue,
  type RiskCondition,
  type RiskCategory,
  type RiskFactor,
  type LookupFactor,
  type BooleanFactor,
  type RangesFactor,
  type ChoiceFactor,
  type RiskModel,
  type RiskRule,
  type RiskTable,
  type RiskThresholds,
} from './model.schema.ts';
export { validateRiskModel, parseRiskModel, type Problem } from './validate-model.ts';
export {
  EXPLANATION_FORMAT,
  RiskExplanation,
  type CategoryExplanation,
  type FactorExplanation,
  type ForcedExplanation,
} from './explanation.schema.ts';
export { scoreRisk, bandForScore } from './score-risk.ts';
export { reproduceScore, verifyExplanation, type Reproduction } from './reproduce-score.ts';
export { applyOverride, type OverrideRequest, type OverriddenBand } from './apply-override.ts';
export { diffRiskModels, type RiskModelChange } from './diff-risk-models.ts';
export { defaultRiskModel, FATF_CALL_FOR_ACTION, FATF_INCREASED_MONITORING } from './default-model.ts';
