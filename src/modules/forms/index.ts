/**
 * Forms and questionnaires: programmes define forms as versioned definitions (checked by the engine
 * in definition/), give published forms to applications as questionnaires, and clients (or staff on
 * their behalf) answer them with a draft and submissions, validated on the server and encrypted at rest.
 */
export * from './form.schema.ts';
export { createForm, type CreateFormInput } from './create-form.ts';
export { updateFormDraft, type UpdateFormDraftInput } from './update-form-draft.ts';
export { startFormDraft } from './start-form-draft.ts';
export { publishFormDraft } from './publish-form-draft.ts';
export { retireForm } from './retire-form.ts';
export { listForms } from './list-forms.ts';
export { getForm } from './get-form.ts';
export { getFormVersion } from './get-form-version.ts';
export { diffFormVersions } from './diff-form-versions.ts';
export { assignForm, type AssignFormInput } from './assign-form.ts';
export { cancelFormAssignment } from './cancel-form-assignment.ts';
export { reopenFormAssignment } from './reopen-form-assignment.ts';
export { listFormAssignments } from './list-form-assignments.ts';
export { getFormAssignment } from './get-form-assignment.ts';
export { saveFormAnswers } from './save-form-answers.ts';
export { submitFormAnswers } from './submit-form-answers.ts';
export { isFormSubmittedSince } from './is-form-submitted-since.ts';
export { listClientForms } from './list-client-forms.ts';
export { getClientForm } from './get-client-form.ts';
export { saveClientFormDraft, type ClientAnswersInput } from './save-client-form-draft.ts';
export { submitClientForm } from './submit-client-form.ts';
