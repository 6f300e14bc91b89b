/** Kysely table types; they mirror src/db/migrations exactly. */
import type { ColumnType, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** numeric columns come back as strings from both drivers. */
type Numeric = ColumnType<string, number | string, number | string>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;
type Json<T> = ColumnType<T, string, string>;
/** bigint columns come back as strings from both drivers. */
type BigInt8 = ColumnType<string, number | string, number | string>;

export interface StaffUsersTable {
  id: string;
  username: string;
  display_name: string;
  email: string;
  status: 'active' | 'disabled';
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** argon2id PHC string; null until the user has chosen a password. */
  password_hash: string | null;
  password_changed_at: Timestamp | null;
  /** E.164 mobile number encrypted with the field key, context `staff_users.mobile:<id>`. */
  mobile_enc: Bytes | null;
  /** Last four digits of the mobile number, for display only. */
  mobile_last4: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  disabled_at: Timestamp | null;
  /** Optimistic-concurrency counter of administrative edits. */
  version: ColumnType<number, number | undefined, number>;
  /** Who checks the password: Dossier's hash ('local') or a directory bind ('directory'). */
  source: ColumnType<'local' | 'directory', 'local' | 'directory' | undefined, 'local' | 'directory'>;
  directory_dn: string | null;
  /** entryUUID or objectGUID (hex) when the directory has one. */
  directory_id: string | null;
  directory_synced_at: Timestamp | null;
  /** Disabled because the directory disabled or removed the account (a sync may enable it again). */
  directory_disabled: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ApiKeysTable {
  id: string;
  prefix: string;
  secret_hash: Bytes;
  name: string;
  rights: string[];
  created_at: Timestamp;
  created_by: string;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** The programmes whose data the key may see; null = every programme. */
  programme_ids: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

/**
 * Who gave a role or programme membership: 'manual' (an administrator), 'directory' (a directory
 * group mapping) or 'sso:<provider id>'. An external source removes only rows of its own source.
 */
export type GrantSource = 'manual' | 'directory' | `sso:${string}`;

export interface ProgrammeMembersTable {
  programme_id: string;
  user_id: string;
  created_at: Timestamp;
  created_by: string;
  /** Who gave it: an administrator, a directory group mapping or an SSO provider's mapping. */
  source: ColumnType<GrantSource, GrantSource | undefined, GrantSource>;
}

export interface StatusDef {
  key: string;
  label: string;
  initial?: boolean;
  terminal?: boolean;
}
/** Risk level of an application; unknown (null) counts as 'high' for every rule. */
export type RiskLevel = 'low' | 'medium' | 'high';
/** A transition and its optional decision rules (absent = anyone with application:transition). */
export interface TransitionDef {
  from: string;
  to: string;
  /** A right the actor must hold besides application:transition. */
  right?: string;
  /** Refused for applications above this risk. */
  maxRisk?: RiskLevel;
  /** The actor must hold one of these rights whose maxRisk is at least the application's risk. */
  limits?: { right: string; maxRisk: RiskLevel }[];
  /** A second, distinct actor must confirm the move. */
  fourEyes?: boolean;
  /** Refused unless every subject of the application is screened, with no open alert and no true match. */
  screeningClear?: boolean;
}

export type SubjectSharing = 'full' | 'basic';
export interface ScreeningProfileDef {
  threshold: number;
  /** List names screened against; null: every list. */
  lists: string[] | null;
  subjectKinds: ('person' | 'entity')[];
  /** Days between full rescreens; null or absent: only on list and subject changes. */
  rescreenDays?: number | null;
}
export interface DocumentTypeDef {
  code: string;
  label: string;
  appliesTo: ('person' | 'entity')[];
  required: boolean;
  /** Documents of this type carry an expiry date (identity documents). */
  expires: boolean;
}
export interface ProgrammesTable {
  id: string;
  name: string;
  description: string;
  allowed_entity_types: string[];
  statuses: Json<StatusDef[]>;
  transitions: Json<TransitionDef[]>;
  ubo_threshold: Numeric;
  /** What the programme shares of its subjects with actors who see them only through another programme. */
  subject_sharing: ColumnType<SubjectSharing, SubjectSharing | undefined, SubjectSharing>;
  /** The document types the programme asks for (its document requirements). */
  document_types: ColumnType<DocumentTypeDef[], string | undefined, string>;
  /** Accepted file extensions; null: the product's default allow-list. */
  document_extensions: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  document_expiry_notice_days: ColumnType<number, number | undefined, number>;
  screening_profile: ColumnType<ScreeningProfileDef, string | undefined, string>;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubjectsTable {
  id: string;
  kind: 'person' | 'entity';
  display_name: string;
  name_key: string;
  date_of_birth: string | null;
  lei: string | null;
  jurisdiction: string | null;
  registration_number: string | null;
  profile: Json<Record<string, unknown>>;
  /** The programme the subject was created in; null before programmes scoped subjects, or when none was named. */
  programme_id: string | null;
  /** What screening says of the subject: derived from its alerts. */
  screening_status: ColumnType<
    'not_screened' | 'clear' | 'open_alerts' | 'true_match',
    'not_screened' | 'clear' | 'open_alerts' | 'true_match' | undefined,
    'not_screened' | 'clear' | 'open_alerts' | 'true_match'
  >;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubjectIdentifiersTable {
  id: string;
  subject_id: string;
  type: string;
  country: string | null;
  value_enc: Bytes;
  value_bidx: Bytes;
  issued_on: string | null;
  expires_on: string | null;
  position: number;
}

export interface RelationshipsTable {
  id: string;
  from_subject_id: string;
  to_subject_id: string;
  kind: 'director' | 'shareholder' | 'ubo' | 'signatory' | 'trustee' | 'beneficiary';
  share_pct: Numeric | null;
  voting_pct: Numeric | null;
  title: string | null;
  created_at: Timestamp;
}

export interface ApplicationsTable {
  id: string;
  reference: string;
  programme_id: string;
  status: string;
  assignee_id: string | null;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  risk_level: ColumnType<RiskLevel | null, RiskLevel | null | undefined, RiskLevel | null>;
  /** The client organisation the application is for; its users see it on the portal. */
  client_organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApplicationDecisionsTable {
  id: string;
  application_id: string;
  from_status: string;
  to_status: string;
  reason: string | null;
  /** Actor reference of who prepared it. */
  prepared_by: string;
  prepared_at: Timestamp;
  status: 'pending' | 'confirmed' | 'rejected' | 'withdrawn';
  decided_by: string | null;
  decided_at: Timestamp | null;
  decided_reason: string | null;
}

export interface ApplicationSubjectsTable {
  application_id: string;
  subject_id: string;
  role: string;
  created_at: Timestamp;
  /** `client:<id>` when a client user added the subject on the portal; null when staff did. */
  added_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** The organisation of the client user who added it (null when staff did). */
  client_organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApplicationNotesTable {
  id: string;
  application_id: string;
  body: string;
  author: string;
  created_at: Timestamp;
  /** 'client' for a message a client user posted on the portal. */
  author_kind: ColumnType<'staff' | 'client', 'staff' | 'client' | undefined, 'staff' | 'client'>;
  /** Shown to the client organisation on the portal (always true for client messages). */
  shared_with_client: ColumnType<boolean, boolean | undefined, boolean>;
  shared_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Actor reference of who last shared or unshared the note. */
  shared_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuditEventsTable {
  seq: ColumnType<string, string | number | bigint, never>;
  id: string;
  occurred_at: Timestamp;
  type: string;
  actor: string;
  request_id: string | null;
  target_type: string | null;
  target_id: string | null;
  payload: Json<Record<string, unknown>>;
  prev_hash: Bytes;
  hash: Bytes;
}

export interface AuditHeadTable {
  singleton: boolean;
  seq: ColumnType<string, string | number | bigint, string | number | bigint>;
  hash: Bytes;
}

export interface SessionsTable {
  id: string;
  /** Whose session: a staff user's (internal API) or a client user's (portal, over the link). */
  realm: ColumnType<'staff' | 'client', 'staff' | 'client' | undefined, never>;
  token_hash: Bytes;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  second_factor: 'totp' | 'sms' | 'recovery' | 'passkey' | 'trusted_network' | 'sso' | null;
  second_factor_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
  ended_at: Timestamp | null;
  end_reason: string | null;
  /** 'second_factor' between the password and the second factor; only 'active' sessions authorise. */
  stage: ColumnType<
    'second_factor' | 'active',
    'second_factor' | 'active' | undefined,
    'second_factor' | 'active'
  >;
  /** Single sign-on (src/modules/auth/sso): the provider, its subject and session id, the ID token (encrypted). */
  sso_provider: ColumnType<string | null, string | null | undefined, string | null>;
  sso_subject: ColumnType<string | null, string | null | undefined, string | null>;
  sso_sid: ColumnType<string | null, string | null | undefined, string | null>;
  sso_id_token_enc: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
}

/** A single sign-on attempt, from the redirect to the provider until its callback (single use). */
export interface SsoLoginAttemptsTable {
  id: string;
  provider: string;
  state_hash: Bytes;
  nonce: string;
  verifier_enc: Bytes;
  browser_hash: Bytes;
  source: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  purpose: ColumnType<'sign_in' | 'step_up', 'sign_in' | 'step_up' | undefined, never>;
  /** Step-up only: the session re-authenticating, and the relative path to return to. */
  session_id: string | null;
  return_to: string | null;
}

/** A staff user's identity at an OpenID provider. */
export interface SsoIdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  created_at: Timestamp;
  last_sign_in_at: Timestamp | null;
}

/** Accepted back-channel logout tokens (SHA-256 of the jti), for replay refusal. */
export interface SsoLogoutTokensTable {
  provider: string;
  jti_hash: Bytes;
  expires_at: Timestamp;
}

export interface AuthTotpFactorsTable {
  id: string;
  user_id: string;
  status: 'pending' | 'active';
  secret_enc: Bytes;
  last_step: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

/** A passkey (WebAuthn credential) of a staff or client user. */
export interface PasskeyCredentialsTable {
  id: string;
  user_id: string;
  realm: 'staff' | 'client';
  /** The authenticator's credential id, base64url. */
  credential_id: string;
  /** COSE public key. */
  public_key: Bytes;
  sign_count: ColumnType<string, number | string | undefined, number | string>;
  transports: Json<string[]>;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: boolean;
  /** User verification was proven at registration: usable for passwordless sign-in. */
  user_verified: boolean;
  aaguid: string;
  name: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

export type PasskeyChallengePurpose = 'register' | 'second_factor' | 'step_up' | 'passwordless';

/** A WebAuthn ceremony's challenge (SHA-256 of it), single use, a few minutes. */
export interface PasskeyChallengesTable {
  id: string;
  challenge_hash: Bytes;
  purpose: PasskeyChallengePurpose;
  realm: 'staff' | 'client';
  user_id: string | null;
  session_id: string | null;
  user_verification: 'required' | 'preferred';
  ip: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
}

export interface AuthSmsCodesTable {
  id: string;
  user_id: string;
  attempt_hash: Bytes;
  code_mac: Bytes;
  state: 'live' | 'used' | 'replaced';
  tries: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuthSmsThrottleTable {
  user_id: string;
  last_sent_at: Timestamp;
}

export interface AuthRecoveryCodesTable {
  id: string;
  user_id: string;
  code_mac: Bytes;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

/** Block-delay counters (src/modules/auth/throttle); one row per counter key. */
export interface AuthThrottleTable {
  scope: 'password' | 'second_factor';
  kind: 'account' | 'account_ip' | 'ip' | 'user' | 'attempt';
  account: string;
  source: string;
  failures: number;
  streak: number;
  last_failure_at: Timestamp;
  delayed_until: Timestamp | null;
}

/** Activation and password-reset tokens of staff users; only the SHA-256 of a token is kept. */
export interface StaffUserTokensTable {
  id: string;
  user_id: string;
  purpose: 'activation' | 'reset';
  token_hash: Bytes;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  /** Set when a newer token of the same purpose replaced this one. */
  retired_at: Timestamp | null;
  /** Actor reference of whoever issued the token. */
  created_by: string;
}

/** Roles: named sets of rights from the catalogue, assigned to staff users. */
export interface RolesTable {
  id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  /** Rights as stored; strings no longer in the catalogue are ignored when loaded. */
  rights: string[];
  /** Lets the role's users skip the second factor from a trusted network (never with an administrative right). */
  trusted_network_skip: ColumnType<boolean, boolean | undefined, boolean>;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  created_by: string;
}

export interface StaffUserRolesTable {
  user_id: string;
  role_id: string;
  created_at: Timestamp;
  created_by: string;
  /** Who gave it: an administrator, a directory group mapping or an SSO provider's mapping. */
  source: ColumnType<GrantSource, GrantSource | undefined, GrantSource>;
}

/** A directory group giving its members a role and/or a programme membership. */
export interface DirectoryGroupMappingsTable {
  id: string;
  group_dn: string;
  role_id: string | null;
  programme_id: string | null;
  created_at: Timestamp;
  created_by: string;
}

/** One directory sync run, its counts and the directory's high-water mark. */
export interface DirectorySyncRunsTable {
  id: string;
  mode: 'full' | 'changed';
  status: 'running' | 'succeeded' | 'failed';
  trigger: 'schedule' | 'api' | 'cli';
  started_at: Timestamp;
  lease_until: Timestamp;
  finished_at: Timestamp | null;
  seen: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  disabled: ColumnType<number, number | undefined, number>;
  enabled: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  errors: ColumnType<number, number | undefined, number>;
  error: string | null;
  high_water_mark: string | null;
  started_by: string;
}

/** Failed directory binds per account (DN), counted as Active Directory counts them. */
export interface DirectoryBindGuardTable {
  account: string;
  failures: ColumnType<number, number | undefined, number>;
  last_failure_at: Timestamp | null;
  pending: ColumnType<number, number | undefined, number>;
  pending_until: Timestamp | null;
}

/** Trusted network ranges, in canonical CIDR form. */
export interface TrustedNetworksTable {
  id: string;
  cidr: string;
  label: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  created_by: string;
}

/** Separation of duties: pairs of rights one staff user may not hold together (right_a < right_b). */
export interface SeparationOfDutiesTable {
  id: string;
  right_a: string;
  right_b: string;
  description: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  created_by: string;
}

export interface DocumentBlobsTable {
  id: string;
  state: 'pending' | 'stored' | 'destroyed';
  lease_expires_at: Timestamp | null;
  format_version: number;
  segment_size: number;
  kek_id: string | null;
  wrapped_key: Bytes | null;
  plain_size: BigInt8 | null;
  stored_size: BigInt8 | null;
  sha256: Bytes | null;
  created_at: Timestamp;
  stored_at: Timestamp | null;
  destroyed_at: Timestamp | null;
}

export type DocumentValidity = 'unchecked' | 'valid' | 'invalid';
export interface DocumentsTable {
  id: string;
  subject_id: string;
  programme_id: string;
  document_type: string;
  issue_date: string | null;
  expiry_date: string | null;
  validity: ColumnType<DocumentValidity, DocumentValidity | undefined, DocumentValidity>;
  invalid_reason: string | null;
  validity_set_by: string | null;
  validity_set_at: Timestamp | null;
  physical_copy_seen: ColumnType<boolean, boolean | undefined, boolean>;
  physical_copy_seen_by: string | null;
  physical_copy_seen_at: Timestamp | null;
  current_version: ColumnType<number, number | undefined, number>;
  version: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
  deleted_by: string | null;
  delete_reason: string | null;
  destroy_after: Timestamp | null;
  destroyed_at: Timestamp | null;
}

export interface DocumentVersionsTable {
  id: string;
  document_id: string;
  number: number;
  blob_id: string;
  filename: string;
  extension: string;
  media_type: string;
  detected_type: string | null;
  size: BigInt8;
  sha256: Bytes;
  scan_status: 'clean' | 'not_scanned';
  scan_engine: string | null;
  uploaded_by: string;
  uploaded_at: Timestamp;
}

export interface ApplicationDocumentsTable {
  application_id: string;
  document_id: string;
  added_by: string;
  added_at: Timestamp;
}

export interface ListSnapshotsTable {
  id: string;
  list: string;
  format: string;
  content_hash: string;
  entity_count: number;
  name_count: number;
  added: number;
  changed: number;
  removed: number;
  previous_id: string | null;
  active: boolean;
  imported_by: string;
  imported_at: Timestamp;
}

export interface ListEntitiesTable {
  snapshot_id: string;
  entity_id: string;
  content_hash: string;
  /** The ListEntity (src/modules/screening/lists/model.ts). */
  data: ColumnType<unknown, string, string>;
}

export interface ListSnapshotChangesTable {
  snapshot_id: string;
  entity_id: string;
  change: 'added' | 'changed' | 'removed';
}

export interface ScreeningRunsTable {
  id: string;
  subject_id: string | null;
  query: ColumnType<unknown, string, string>;
  profile: ColumnType<unknown, string, string>;
  list_snapshots: ColumnType<unknown, string, string>;
  hits: ColumnType<unknown, string, string>;
  hit_count: number;
  created_by: string;
  created_at: Timestamp;
}

export interface ScreeningAlertsTable {
  id: string;
  subject_id: string;
  list: string;
  entity_id: string;
  entity_hash: string;
  snapshot_id: string | null;
  run_id: string;
  score: number;
  matched_name: string;
  status: 'open' | 'true_match' | 'false_positive';
  reason: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
}

export interface ScreeningJobsTable {
  id: string;
  kind: 'reverse_screen' | 'rescreen_subject';
  snapshot_id: string | null;
  subject_id: string | null;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  run_after: Timestamp;
  locked_until: Timestamp | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  error: string | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

/** Every account that can sign in (staff and client users share this id space). */
export interface AuthPrincipalsTable {
  id: string;
  realm: 'staff' | 'client';
}

export interface ClientOrganisationsTable {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  created_at: Timestamp;
  updated_at: Timestamp;
  version: ColumnType<number, number | undefined, number>;
}

export type ClientRole = 'owner' | 'contributor' | 'read_only';

export interface ClientUsersTable {
  id: string;
  organisation_id: string;
  username: string;
  email: string;
  display_name: string;
  role: ClientRole;
  status: 'invited' | 'active' | 'disabled';
  password_hash: string | null;
  password_changed_at: Timestamp | null;
  /** E.164 mobile number encrypted with the field key, context `client_users.mobile:<id>`. */
  mobile_enc: Bytes | null;
  mobile_last4: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  disabled_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
}

export interface ClientInvitationsTable {
  id: string;
  client_user_id: string;
  token_hash: Bytes;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  /** The application the invitation asks the client to work on, if any. */
  application_id: string | null;
}

/** A form or questionnaire of a programme; its definitions are form_versions. */
export interface FormsTable {
  id: string;
  programme_id: string;
  /** Unique within the programme (`kyc-entity`). */
  key: string;
  title: string;
  created_at: Timestamp;
  created_by: string;
  retired_at: Timestamp | null;
  retired_by: string | null;
}

export type FormVersionStatus = 'draft' | 'published' | 'retired';
export interface FormVersionsTable {
  id: string;
  form_id: string;
  version: number;
  /** A definition that passed the forms engine (see src/modules/forms/definition). */
  definition: Json<unknown>;
  /** At most one draft and one published per form; published and retired versions are frozen. */
  status: FormVersionStatus;
  created_at: Timestamp;
  created_by: string;
  published_at: Timestamp | null;
  published_by: string | null;
}

export type ProgrammeConfigurationState = 'draft' | 'published';
/** A programme's configuration version; at most one draft per programme, published rows are frozen. */
export interface ProgrammeConfigurationsTable {
  id: string;
  programme_id: string;
  version: number;
  state: ProgrammeConfigurationState;
  /** { riskModel, requirements, reviewPolicy }, each accepted by its engine. */
  content: Json<unknown>;
  /** SHA-256 of the canonical JSON of `content`. */
  content_hash: Bytes;
  note: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  published_at: Timestamp | null;
  published_by: string | null;
}

export type FormAssignmentStatus = 'open' | 'submitted' | 'cancelled';
/** A form given to an application; application_id, form_id, status and submitted_at are a contract. */
export interface FormAssignmentsTable {
  id: string;
  application_id: string;
  form_id: string;
  subject_id: string | null;
  status: FormAssignmentStatus;
  due_at: Timestamp | null;
  assigned_at: Timestamp;
  assigned_by: string;
  /** The version answered against: pinned at the first draft save or submission. */
  version_id: string | null;
  submitted_at: Timestamp | null;
  submitted_by: string | null;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
}

/** The current draft of an assignment; answers encrypted, context `form_drafts.answers:<id>:<assignment>:<version>`. */
export interface FormDraftsTable {
  id: string;
  assignment_id: string;
  version_id: string;
  answers_enc: Bytes;
  answer_count: number;
  saved_at: Timestamp;
  saved_by: string;
}

/** Submissions, append-only; answers encrypted, context `form_submissions.answers:<id>:<assignment>:<version>`. */
export interface FormSubmissionsTable {
  id: string;
  assignment_id: string;
  version_id: string;
  answers_enc: Bytes;
  answer_count: number;
  submitted_at: Timestamp;
  submitted_by: string;
}

/** A request from compliance to an application's client organisation (src/modules/requests). */
export interface ClientRequestsTable {
  id: string;
  application_id: string;
  title: string;
  message: string;
  due_at: Timestamp;
  status: 'open' | 'completed' | 'cancelled';
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  /** When the periodic task first saw it open past its due date. */
  overdue_flagged_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
}

export type ClientRequestItemKind = 'document' | 'fields' | 'questionnaire';
export interface ClientRequestItemsTable {
  id: string;
  request_id: string;
  position: number;
  kind: ClientRequestItemKind;
  subject_id: string | null;
  document_type: string | null;
  fields: string[] | null;
  form_id: string | null;
  form_assignment_id: string | null;
  completed_at: Timestamp | null;
  completed_by: string | null;
  document_id: string | null;
}

/** Reminders claimed and sent: one per request and stage (`before:<days>`, `overdue`). */
export interface ClientRequestRemindersTable {
  request_id: string;
  stage: string;
  claimed_at: Timestamp;
  recipients: number;
  delivered: number | null;
}

/** Face-to-face meetings with a client (src/modules/meetings). */
export interface MeetingsTable {
  id: string;
  application_id: string;
  mode: 'in_person' | 'video';
  location: string | null;
  video_url: string | null;
  starts_at: Timestamp;
  duration_minutes: number;
  agenda: string;
  status: 'scheduled' | 'cancelled' | 'held' | 'no_show';
  /** Encrypted with the field key, context `meetings.outcome:<id>`. */
  outcome_enc: Bytes | null;
  outcome_recorded_at: Timestamp | null;
  outcome_recorded_by: string | null;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: ColumnType<number, number | undefined, number>;
}

export interface MeetingParticipantsTable {
  meeting_id: string;
  user_id: string;
  realm: 'staff' | 'client';
  /** Client participants only (null for staff). */
  response: 'pending' | 'confirmed' | 'declined' | null;
  /** Encrypted with the field key, context `meeting_participants.comment:<meeting id>:<user id>`. */
  comment_enc: Bytes | null;
  responded_at: Timestamp | null;
}

export interface MeetingEvidenceTable {
  meeting_id: string;
  document_id: string;
  added_by: string;
  added_at: Timestamp;
}

export interface DB {
  client_requests: ClientRequestsTable;
  client_request_items: ClientRequestItemsTable;
  client_request_reminders: ClientRequestRemindersTable;
  meetings: MeetingsTable;
  meeting_participants: MeetingParticipantsTable;
  meeting_evidence: MeetingEvidenceTable;
  forms: FormsTable;
  form_versions: FormVersionsTable;
  form_assignments: FormAssignmentsTable;
  form_drafts: FormDraftsTable;
  form_submissions: FormSubmissionsTable;
  programme_configurations: ProgrammeConfigurationsTable;
  client_invitations: ClientInvitationsTable;
  auth_principals: AuthPrincipalsTable;
  client_organisations: ClientOrganisationsTable;
  client_users: ClientUsersTable;
  staff_users: StaffUsersTable;
  programme_members: ProgrammeMembersTable;
  api_keys: ApiKeysTable;
  programmes: ProgrammesTable;
  subjects: SubjectsTable;
  subject_identifiers: SubjectIdentifiersTable;
  relationships: RelationshipsTable;
  applications: ApplicationsTable;
  application_subjects: ApplicationSubjectsTable;
  application_notes: ApplicationNotesTable;
  application_decisions: ApplicationDecisionsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  sessions: SessionsTable;
  sso_login_attempts: SsoLoginAttemptsTable;
  sso_identities: SsoIdentitiesTable;
  sso_logout_tokens: SsoLogoutTokensTable;
  auth_totp_factors: AuthTotpFactorsTable;
  passkey_credentials: PasskeyCredentialsTable;
  passkey_challenges: PasskeyChallengesTable;
  auth_sms_codes: AuthSmsCodesTable;
  auth_sms_throttle: AuthSmsThrottleTable;
  auth_recovery_codes: AuthRecoveryCodesTable;
  auth_throttle: AuthThrottleTable;
  staff_user_tokens: StaffUserTokensTable;
  roles: RolesTable;
  staff_user_roles: StaffUserRolesTable;
  directory_group_mappings: DirectoryGroupMappingsTable;
  directory_sync_runs: DirectorySyncRunsTable;
  directory_bind_guard: DirectoryBindGuardTable;
  trusted_networks: TrustedNetworksTable;
  separation_of_duties: SeparationOfDutiesTable;
  document_blobs: DocumentBlobsTable;
  documents: DocumentsTable;
  document_versions: DocumentVersionsTable;
  application_documents: ApplicationDocumentsTable;
  list_snapshots: ListSnapshotsTable;
  list_entities: ListEntitiesTable;
  list_snapshot_changes: ListSnapshotChangesTable;
  screening_runs: ScreeningRunsTable;
  screening_alerts: ScreeningAlertsTable;
  screening_jobs: ScreeningJobsTable;
}

export type Row<T extends keyof DB> = Selectable<DB[T]>;
export type NewRow<T extends keyof DB> = Insertable<DB[T]>;
