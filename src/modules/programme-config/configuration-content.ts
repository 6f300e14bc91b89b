/**
 * The content of a programme configuration: its canonical hash, its checks by the three engines
 * (with the programme's own statuses, document types and form keys as context), the defaults that
 * apply while nothing is published, and the diff of two contents.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { AppError } from '../../platform/errors.ts';
import {
  defaultRequirements,
  diffRequirements,
  validateRequirements,
  type Requirements,
  type RequirementsContext,
} from '../completeness/engine/index.ts';
import {
  defaultReviewPolicy,
  diffReviewPolicies,
  validateReviewPolicy,
  type ReviewPolicy,
} from '../reviews/engine/index.ts';
import { defaultRiskModel, diffRiskModels, validateRiskModel, type RiskModel } from '../risk/engine/index.ts';
import type { ConfigurationContent } from './configuration.schema.ts';

/** A content every engine accepted. */
export type CheckedContent = { riskModel: RiskModel; requirements: Requirements; reviewPolicy: ReviewPolicy };

/** SHA-256 of the canonical (RFC 8785) JSON of the content: equal contents, equal hashes. */
export function contentHash(content: ConfigurationContent): Buffer {
  const encoded = canonicalize(content);
  if (encoded === undefined) throw new Error('programme configuration: cannot encode content');
  return createHash('sha256').update(encoded, 'utf8').digest();
}

export const hex = (hash: Uint8Array): string => Buffer.from(hash).toString('hex');

/** The engines' defaults: the effective configuration of a programme with nothing published. */
export function defaultContent(): CheckedContent {
  return {
    riskModel: defaultRiskModel(),
    requirements: defaultRequirements(),
    reviewPolicy: defaultReviewPolicy(),
  };
}

const under = (part: string, path: string) => `/${part}${path === '/' || path === '' ? '' : path}`;

/**
 * The content, if each engine accepts its part; else a `validation` error listing every problem,
 * its JSON-pointer path prefixed with the part (`/riskModel/...`, `/requirements/...`, `/reviewPolicy/...`).
 */
export function checkedContent(content: ConfigurationContent, context: RequirementsContext): CheckedContent {
  const errors = [
    ...validateRiskModel(content.riskModel).map((p) => ({
      path: under('riskModel', p.path),
      message: p.message,
    })),
    ...validateRequirements(content.requirements, context).map((p) => ({
      path: under('requirements', p.path),
      message: p.message,
    })),
    ...validateReviewPolicy(content.reviewPolicy).map((p) => ({
      path: under('reviewPolicy', p.path),
      message: p.message,
    })),
  ];
  if (errors.length)
    throw new AppError('validation', 'the programme configuration is invalid', {
      reason: 'invalid_configuration',
      errors,
    });
  return content as CheckedContent;
}

/** The engines' diffs from `a` to `b`. */
export function diffContents(a: ConfigurationContent, b: ConfigurationContent) {
  const x = a as CheckedContent;
  const y = b as CheckedContent;
  return {
    riskModel: diffRiskModels(x.riskModel, y.riskModel),
    requirements: diffRequirements(x.requirements, y.requirements),
    reviewPolicy: diffReviewPolicies(x.reviewPolicy, y.reviewPolicy),
  };
}
