/**
 * Versioned programme configuration: the risk model, completeness requirements and review policy
 * of a programme, drafted (checked by their engines against the programme), diffed, published under
 * a hash the publisher previewed, frozen once published, exported and imported between
 * installations. While nothing is published, the engines' defaults apply.
 */
export * from './configuration.schema.ts';
export { contentHash, defaultContent, checkedContent, type CheckedContent } from './configuration-content.ts';
export {
  getEffectiveConfiguration,
  listConfigurationVersions,
  getConfigurationVersion,
  getConfigurationDraft,
} from './read-configuration.ts';
export { saveConfigurationDraft, discardConfigurationDraft } from './save-configuration-draft.ts';
export { publishConfiguration } from './publish-configuration.ts';
export { diffConfigurations } from './diff-configurations.ts';
export { exportConfiguration, importConfiguration } from './export-import-configuration.ts';
