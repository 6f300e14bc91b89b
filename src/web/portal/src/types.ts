/**
 * The shapes of the portal API's answers, as the pages use them (the link routes and the modules'
 * client views are the source; these mirror them for the browser, which cannot import server code).
 */

export interface ClientApplication {
  id: string;
  reference: string;
  programme: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface SubjectRef {
  id: string;
  displayName: string;
}

export type ItemKind = 'document' | 'fields' | 'questionnaire';

export interface MissingItem {
  applicationId: string;
  applicationReference: string;
  requestId: string;
  requestTitle: string;
  itemId: string;
  kind: ItemKind;
  subject: SubjectRef | null;
  documentType: string | null;
  fields: string[] | null;
  formId: string | null;
  dueAt: string;
  overdue: boolean;
}

export interface OpenQuestionnaire {
  applicationId: string;
  applicationReference: string;
  assignmentId: string;
  title: string;
  dueAt: string | null;
  overdue: boolean;
  subject: SubjectRef | null;
  requestId: string | null;
}

export interface AwaitingMeeting {
  meetingId: string;
  applicationId: string;
  applicationReference: string;
  mode: string;
  startsAt: string;
  durationMinutes: number;
}

export interface ClientTasks {
  requestItems: MissingItem[];
  meetings: AwaitingMeeting[];
  questionnaires: OpenQuestionnaire[];
}

export interface Missing {
  applicationId: string;
  requestItems: MissingItem[];
  questionnaires: OpenQuestionnaire[];
}

export interface RequestItem {
  id: string;
  kind: ItemKind;
  subject: SubjectRef | null;
  documentType: string | null;
  fields: string[] | null;
  current?: Record<string, unknown>;
  formId: string | null;
  formAssignmentId: string | null;
  complete: boolean;
  completedAt: string | null;
  abilities: { answer: boolean };
}

export interface ClientRequest {
  id: string;
  applicationId: string;
  title: string;
  message: string;
  dueAt: string;
  status: 'open' | 'completed' | 'cancelled';
  overdue: boolean;
  progress: { complete: number; total: number };
  items: RequestItem[];
  createdAt: string;
  completedAt: string | null;
  cancelledAt: string | null;
}

export interface AssignmentSummary {
  id: string;
  title: string;
  status: 'open' | 'submitted' | 'cancelled';
  dueAt: string | null;
  version: { id: string; version: number };
  subject: { id: string; name: string } | null;
  draftSavedAt: string | null;
  submittedAt: string | null;
}

export interface AssignmentView extends AssignmentSummary {
  definition: unknown;
  draft: { answers: unknown; savedAt: string } | null;
  submission: { answers: unknown; submittedAt: string } | null;
}

export type MeetingResponse = 'pending' | 'confirmed' | 'declined';

export interface ClientMeeting {
  id: string;
  applicationId: string;
  mode: 'in_person' | 'video';
  location: string | null;
  videoUrl: string | null;
  startsAt: string;
  durationMinutes: number;
  agenda: string;
  status: 'scheduled' | 'cancelled' | 'held' | 'no_show';
  participants: {
    kind: 'staff' | 'client';
    displayName: string;
    response: MeetingResponse | null;
    me: boolean;
  }[];
  myResponse: { response: MeetingResponse; comment: string | null; respondedAt: string | null } | null;
  abilities: { respond: boolean };
}

export interface ClientDocument {
  id: string;
  subjectId: string;
  type: string;
  typeLabel: string;
  filename: string;
  size: number;
  uploadedAt: string;
  uploadedBy: string;
  uploadedByYourOrganisation: boolean;
  review: 'pending' | 'accepted' | 'rejected';
}

/** A document type the client may upload for an application (the programme's code and label). */
export interface DocumentTypeOption {
  code: string;
  label: string;
}

export interface Address {
  type: 'residential' | 'postal' | 'registered' | 'business';
  lines: string[];
  city: string;
  postcode?: string;
  region?: string;
  country: string;
}

export interface Holding {
  ownedSubjectId: string;
  sharePct: number;
  votingPct: number | null;
}

export const PARTY_ROLES = ['director', 'shareholder', 'ubo', 'signatory', 'trustee', 'beneficiary'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export interface ClientParty {
  id: string;
  kind: 'person' | 'entity';
  displayName: string;
  roles: string[];
  main: boolean;
  addedBy: 'organisation' | 'staff';
  addedAt: string;
  editable: boolean;
  version: number;
  givenNames?: string;
  middleNames?: string;
  familyName?: string;
  dateOfBirth?: string;
  nationalities?: string[];
  countryOfResidence?: string | null;
  registeredName?: string;
  registrationNumber?: string;
  jurisdiction?: string;
  incorporationDate?: string;
  /** The details below only for parties the organisation added itself. */
  fullName?: string;
  otherNames?: string[];
  placeOfBirth?: string;
  gender?: 'female' | 'male' | 'other' | 'unspecified';
  tradingNames?: string[];
  legalForm?: string;
  lei?: string;
  addresses?: Address[];
  contact?: { emails: string[]; phones: string[] };
  holdings: Holding[];
  /** The sensitive fields masked in this view (dateOfBirth, registrationNumber...). */
  masked: string[];
}

export interface ClientPartyList {
  items: ClientParty[];
  changes: { allowed: boolean; reason: string | null };
}

export interface ClientNote {
  id: string;
  body: string;
  from: 'case_officer' | 'client';
  author: string;
  createdAt: string;
}

export interface Factors {
  totp: { confirmedAt: string } | null;
  totpPending: boolean;
  sms: { mobile: string } | null;
}
