/** Requests from compliance to a client: items, completion, the client's task list, reminders. */
export * from './request.schema.ts';
export {
  CLIENT_FIELDS,
  DEFAULT_REMINDER_DAYS,
  ENTITY_CLIENT_FIELDS,
  PERSON_CLIENT_FIELDS,
  type ClientField,
} from './request.policy.ts';
export { createRequest, type CreateRequestInput } from './create-request.ts';
export { cancelRequest, type CancelRequestInput } from './cancel-request.ts';
export { getRequest } from './get-request.ts';
export { listRequests } from './list-requests.ts';
export { listClientRequests, RECENT_DAYS } from './list-client-requests.ts';
export { getClientRequest } from './get-client-request.ts';
export { answerFieldsItem, type AnswerFieldsItemInput } from './answer-fields-item.ts';
export { listClientTasks } from './list-client-tasks.ts';
export { getMissing } from './get-missing.ts';
export { settleRequests, type SettleScope } from './settle-requests.ts';
export {
  reminderMail,
  sendRequestReminders,
  type RequestReminderDeps,
  type RequestReminderResult,
} from './send-request-reminders.ts';
