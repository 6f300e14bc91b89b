/** Face-to-face meetings with a client: schedule, reschedule, cancel, answers, outcome, evidence. */
export * from './meeting.schema.ts';
export { type MeetingMailDeps, meetingMail } from './meeting.mail.ts';
export { scheduleMeeting, type ScheduleMeetingInput } from './schedule-meeting.ts';
export { rescheduleMeeting, type RescheduleMeetingInput } from './reschedule-meeting.ts';
export { cancelMeeting, type CancelMeetingInput } from './cancel-meeting.ts';
export { recordMeetingOutcome, type RecordMeetingOutcomeInput } from './record-meeting-outcome.ts';
export { attachMeetingEvidence, type AttachMeetingEvidenceInput } from './attach-meeting-evidence.ts';
export { getMeeting } from './get-meeting.ts';
export { listMeetings } from './list-meetings.ts';
export { listClientMeetings } from './list-client-meetings.ts';
export { respondToMeeting, type RespondToMeetingInput } from './respond-to-meeting.ts';
export { listAwaitingMeetings, type AwaitingMeeting } from './list-awaiting-meetings.ts';
