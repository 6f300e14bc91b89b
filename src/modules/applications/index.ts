export * from './application.schema.ts';
export { createApplication, type CreateApplicationInput } from './create-application.ts';
export { getApplication } from './get-application.ts';
export { listApplications } from './list-applications.ts';
export {
  transitionApplication,
  type TransitionApplicationInput,
  type TransitionOutcome,
} from './transition-application.ts';
export { addApplicationSubject, type AddApplicationSubjectInput } from './add-application-subject.ts';
export {
  removeApplicationSubject,
  type RemoveApplicationSubjectInput,
} from './remove-application-subject.ts';
export { assignApplication, type AssignApplicationInput } from './assign-application.ts';
export { addApplicationNote, type AddApplicationNoteInput } from './add-application-note.ts';
export { listApplicationNotes } from './list-application-notes.ts';
export { shareApplicationNote, type ShareApplicationNoteInput } from './share-application-note.ts';
export { confirmDecision, type ConfirmDecisionInput } from './confirm-decision.ts';
export { rejectDecision, type RejectDecisionInput } from './reject-decision.ts';
export { listApplicationDecisions } from './list-application-decisions.ts';
export { setApplicationRisk, type SetApplicationRiskInput } from './set-application-risk.ts';
