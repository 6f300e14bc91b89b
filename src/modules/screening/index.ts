export {
  importListSnapshot,
  activeSnapshots,
  snapshotEntities,
  defaultListName,
  LIST_FORMATS,
  type ImportListInput,
  type ImportListResult,
} from './import-list.ts';
export type { ListFormat } from './lists/index.ts';
export * from './screening.schema.ts';
export { screenName, screenBatch, screenSubject } from './screen.ts';
export {
  BuiltInScreeningProvider,
  type ScreeningProvider,
  type ProviderResult,
  type SnapshotRef,
} from './screening-service.ts';
export { listSubjectAlerts, resolveAlert, type AlertView as AlertRecord } from './alerts.ts';
export { listAlertQueue } from './list-alert-queue.ts';
export { listSubjectRuns } from './list-subject-runs.ts';
export { enqueueDueRescreens, enqueueScreeningJob, reverseScreen, runScreeningJobs } from './monitoring.ts';
