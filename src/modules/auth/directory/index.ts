/**
 * Active Directory / LDAP for staff users (issue 9): sign-in by a bind (directory-sign-in.ts,
 * called by the password step), the per-account cap of failed binds that keeps Dossier from ever
 * locking a Windows account (bind-cap.ts), group mappings to roles and programmes
 * (group-mappings.ts), applying an entry to its Dossier user (apply-directory-user.ts) and the sync
 * (sync-directory.ts). The directory client itself is src/platform/ldap.
 */
export * from './directory.schema.ts';
export {
  createDirectoryServices,
  directorySettingsOf,
  type DirectoryClient,
  type DirectoryServices,
} from './directory.options.ts';
export { bindAccountKey, bindFailures, purgeBindGuard, reserveBind, type BindCapPolicy } from './bind-cap.ts';
export {
  checkDirectoryPassword,
  DirectoryUnavailableProblem,
  type DirectoryCheckResult,
  type DirectorySignedInUser,
} from './directory-sign-in.ts';
export { addGroupMapping, listGroupMappings, removeGroupMapping } from './group-mappings.ts';
export { applyDirectoryUser, matchingMappings, type ApplyOutcome } from './apply-directory-user.ts';
export { presentSyncRun, syncDirectory, type SyncDirectoryInput } from './sync-directory.ts';
export { listSyncRuns } from './directory.repository.ts';
export { scheduleDirectorySync, type SyncLogger } from './schedule-sync.ts';
export { managedByDirectory, assertLocallyManaged } from './managed-by-directory.ts';
