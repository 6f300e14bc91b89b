/**
 * Every audit event Dossier writes, as one discriminated union. Adding an event means adding a
 * member here; the compiler then checks every writer.
 *
 * Payloads carry ids, field names and counts, never personal data (names, document numbers, note
 * text): the trail is append-only and outlives the erasure of the data it refers to.
 */

/** What an event is about, for search and per-object history. */
export interface AuditTarget {
  type:
    | 'api_key'
    | 'programme'
    | 'subject'
    | 'relationship'
    | 'application'
    | 'audit'
    | 'system'
    | 'session'
    | 'staff_user'
    | 'client_user'
    | 'client_organisation'
    | 'role'
    | 'trusted_network'
    | 'separation_of_duties'
    | 'document'
    | 'key'
    | 'list'
    | 'form'
    | 'client_request'
    | 'meeting'
    | 'directory_mapping'
    | 'directory_sync';
  id: string;
}

/** Why a session ended. */
export type SessionEndReason =
  | 'logout'
  | 'idle'
  | 'expired'
  | 'ended_by_user'
  | 'ended_by_admin'
  | 'user_disabled'
  | 'password_changed'
  | 'directory_disabled'
  /** The OpenID provider said the user signed out there (back- or front-channel logout). */
  | 'sso_logout';

/** Why a single sign-on callback or logout was refused (the browser gets a code; the trail knows why). */
export type SsoRefusalReason =
  | 'unknown_provider'
  | 'provider_unavailable'
  | 'provider_error'
  | 'state_unknown'
  | 'state_expired'
  | 'state_replayed'
  | 'browser_mismatch'
  | 'nonce_replayed'
  | 'token_invalid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'token_expired'
  | 'algorithm_refused'
  | 'signature_invalid'
  | 'claims_invalid'
  | 'email_unverified'
  | 'user_disabled'
  | 'not_provisioned'
  | 'account_conflict'
  | 'no_mapped_group'
  | 'separation_of_duties'
  | 'logout_token_invalid'
  | 'logout_token_replayed'
  /** Step-up at the provider: its subject is not the one linked to the session's user. */
  | 'step_up_subject_mismatch'
  /** Step-up at the provider: no `auth_time`, or one from before the step-up started. */
  | 'step_up_not_reauthenticated'
  /** Step-up at the provider: no accepted multi-factor `amr`/`acr`. */
  | 'step_up_no_mfa'
  /** Step-up at the provider: the session it was started for ended (or is not the one presented). */
  | 'step_up_session_ended';

/** The e-mails Dossier sends staff users. */
export type StaffMailKind =
  | 'activation'
  | 'password_reset'
  | 'password_changed'
  | 'mobile_changed'
  | 'factor_enrolled'
  | 'factor_removed'
  | 'recovery_codes_regenerated'
  | 'passkey_added'
  | 'passkey_removed';

/** Why a sign-in step failed (the client always gets the same answer; the trail knows why). */
export type SignInFailureReason =
  | 'unknown_user'
  | 'wrong_password'
  | 'no_password'
  | 'disabled'
  | 'delayed'
  | 'wrong_code'
  | 'replayed'
  | 'expired'
  | 'used'
  | 'too_many_tries'
  | 'no_code'
  | 'no_factor'
  | DirectoryFailureReason
  | PasskeyFailureReason;

/** Why a directory (LDAP / Active Directory) sign-in was refused. */
export type DirectoryFailureReason =
  | 'empty_password'
  | 'ambiguous_user'
  | 'identity_mismatch'
  | 'directory_disabled'
  | 'directory_cap'
  | 'directory_no_group'
  | 'directory_conflict'
  | 'directory_incomplete';

/** Why a directory sync disabled a staff user. */
export type DirectoryDisableReason = 'disabled_in_directory' | 'removed_from_directory' | 'no_mapped_group';

/** Why a passkey (WebAuthn) ceremony was refused. */
export type PasskeyFailureReason =
  | 'unknown_credential'
  | 'foreign_credential'
  | 'bad_signature'
  | 'counter_regression'
  | 'uv_missing'
  | 'challenge_expired'
  | 'challenge_replayed'
  | 'challenge_unknown'
  | 'origin_mismatch'
  | 'rp_mismatch'
  | 'user_disabled'
  | 'passwordless_disabled'
  | 'invalid_response';

/**
 * A pair of rights someone or some role would have held together: ids only. `userId` null is a role
 * on its own; the role lists name the roles bringing each right (empty: the role being created).
 */
export interface SeparationOfDutiesViolationRef {
  ruleId: string;
  rightA: string;
  rightB: string;
  userId: string | null;
  rolesWithA: string[];
  rolesWithB: string[];
}

type Ev<T extends string, P> = { type: T; target?: AuditTarget; payload: P };

/** What an upload was, without its name (a file name can be personal data). */
export interface UploadedFileRef {
  version: number;
  size: number;
  extension: string;
  mediaType: string;
  scan: 'clean' | 'not_scanned';
  ip: string | null;
}

export type AuditEvent =
  | Ev<'system.initialised', { dataDir: string | null }>
  | Ev<
      'api_key.created',
      { name: string; rights: string[]; expiresAt: string | null; programmeIds?: string[] | null }
    >
  | Ev<'api_key.revoked', { name: string }>
  | Ev<'api_key.rejected', { prefix: string; reason: 'revoked' | 'expired' | 'bad_secret' }>
  | Ev<'access.denied', { method: string; route: string; right: string }>
  | Ev<'auth.csrf_refused', { method: string; route: string }>
  | Ev<
      'programme.created',
      { name: string; allowedEntityTypes: string[]; uboThreshold: number; subjectSharing?: string }
    >
  | Ev<'programme.updated', { changes: Record<string, unknown>; version: number }>
  | Ev<'programme.members_changed', { added: string[]; removed: string[] }>
  | Ev<'subject.created', { kind: string; programmeId: string | null; ignoredDuplicates: string[] }>
  | Ev<'subject.updated', { fields: string[]; version: number }>
  /** A clear view of sensitive subject fields: the subjects and the field NAMES, never values. */
  | Ev<'subject.sensitive_fields_revealed', { subjectIds: string[]; fields: string[] }>
  | Ev<
      'relationship.created',
      { from: string; to: string; kind: string; sharePct: number | null; votingPct: number | null }
    >
  | Ev<
      'relationship.deleted',
      { from: string; to: string; kind: string; sharePct: number | null; votingPct: number | null }
    >
  | Ev<
      'application.created',
      {
        programmeId: string;
        reference: string;
        status: string;
        subjects: { subjectId: string; role: string }[];
      }
    >
  | Ev<'application.status_changed', { from: string; to: string; reason: string | null }>
  | Ev<'application.subject_added', { subjectId: string; role: string }>
  | Ev<'application.subject_removed', { subjectId: string; role: string }>
  | Ev<'application.assigned', { from: string | null; to: string | null }>
  | Ev<'application.note_added', { noteId: string; length: number; shared?: true }>
  /** A staff note shown to (or hidden from) the application's client organisation on the portal. */
  | Ev<'application.note_sharing_changed', { noteId: string; shared: boolean }>
  /** A message a client user posted on the portal (stored as a note from the client). */
  | Ev<'application.client_message_added', { noteId: string; length: number }>
  /**
   * A related party a client user added on the portal (COT): the new subject, its roles, the
   * relationships created, and the subjects it may duplicate (for staff; never shown to the client).
   */
  | Ev<
      'application.client_party_added',
      { subjectId: string; roles: string[]; relationships: string[]; possibleDuplicates: string[] }
    >
  | Ev<
      'application.client_party_updated',
      {
        subjectId: string;
        fields: string[];
        rolesAdded: string[];
        rolesRemoved: string[];
        relationshipsAdded: string[];
        relationshipsRemoved: string[];
      }
    >
  | Ev<
      'application.client_party_removed',
      { subjectId: string; roles: string[]; relationshipsRemoved: string[] }
    >
  | Ev<'application.risk_set', { from: string | null; to: string; reason: string }>
  | Ev<
      'application.decision_prepared',
      { decisionId: string; from: string; to: string; reason: string | null }
    >
  | Ev<
      'application.decision_confirmed',
      { decisionId: string; from: string; to: string; preparedBy: string; reason: string | null }
    >
  | Ev<
      'application.decision_rejected',
      { decisionId: string; from: string; to: string; preparedBy: string; reason: string | null }
    >
  | Ev<
      'application.decision_withdrawn',
      { decisionId: string; from: string; to: string; cause: 'status_changed' | 'transition_removed' }
    >
  | Ev<
      'application.transition_refused',
      {
        from: string;
        to: string;
        reason: 'missing_right' | 'risk_too_high' | 'same_person' | 'screening_not_clear';
        /** The rights that would have qualified (missing_right), else empty. */
        rights: string[];
        riskLevel: string | null;
        decisionId: string | null;
      }
    >
  | Ev<
      'session.started',
      { userId: string; secondFactor: string | null; ip: string | null; stage: 'second_factor' | 'active' }
    >
  | Ev<'session.rotated', { userId: string; secondFactor: string | null }>
  | Ev<'session.ended', { userId: string; reason: SessionEndReason }>
  | Ev<'audit.verified', { ok: boolean; checked: number; firstBadSeq: string | null }>
  /** An export of the audit trail: the filters (ids and types only) and the range exported. */
  | Ev<
      'audit.exported',
      { filters: Record<string, string>; count: number; firstSeq: string | null; lastSeq: string | null }
    >
  | Ev<'auth.factor_enrolled', { factor: 'totp'; replaced: boolean }>
  | Ev<'auth.factor_removed', { factor: 'totp' }>
  | Ev<'auth.sms_code_sent', { expiresAt: string }>
  | Ev<'auth.sms_code_refused', { reason: 'cooldown' | 'hourly_cap'; retryAfterMs: number }>
  | Ev<
      'auth.sms_code_failed',
      { reason: 'wrong' | 'expired' | 'used' | 'too_many_tries' | 'no_code'; tries: number | null }
    >
  | Ev<
      'auth.sign_in_failed',
      {
        step: 'password' | 'second_factor' | 'step_up' | 'passwordless';
        factor: 'password' | 'totp' | 'sms' | 'recovery' | 'passkey';
        reason: SignInFailureReason;
        ip: string | null;
      }
    >
  | Ev<'auth.password_accepted', { ip: string | null; sessionId: string; factors: string[] }>
  | Ev<
      'auth.signed_in',
      { secondFactor: string; ip: string | null; sessionId: string; passwordless?: true; passkeyId?: string }
    >
  /** Passkeys (target: the account): ids and flags, never the user-given name or key material. */
  | Ev<
      'auth.passkey_registered',
      { passkeyId: string; userVerified: boolean; deviceType: string; backedUp: boolean; aaguid: string }
    >
  | Ev<'auth.passkey_registration_failed', { reason: PasskeyFailureReason }>
  | Ev<'auth.passkey_renamed', { passkeyId: string }>
  | Ev<'auth.passkey_removed', { passkeyId: string; by: 'user' | 'administrator' }>
  /** A signature counter that did not increase: the credential may have been cloned. */
  | Ev<'auth.passkey_clone_suspected', { passkeyId: string; storedCounter: number; receivedCounter: number }>
  | Ev<
      'auth.second_factor_skipped',
      { networkId: string; cidr: string; roleId: string; ip: string; sessionId: string }
    >
  | Ev<'auth.stepped_up', { factor: string; sessionId: string }>
  | Ev<'auth.sms_code_delivery_failed', { reason: string }>
  | Ev<'auth.recovery_codes_generated', { count: number }>
  | Ev<'auth.recovery_code_used', { remaining: number }>
  | Ev<
      'auth.delay_imposed',
      {
        scope: 'password' | 'second_factor';
        key: 'account' | 'account_ip' | 'ip' | 'user' | 'attempt';
        failures: number;
        delayMs: number;
        locked: boolean;
        ip: string | null;
      }
    >
  | Ev<'auth.delay_lifted', { account: string | null; ip: string | null; cleared: number }>
  /** Single sign-on (src/modules/auth/sso): subjects as keyed hashes, never names or e-mails. */
  | Ev<'auth.sso_started', { provider: string; attemptId: string; ip: string | null }>
  | Ev<
      'auth.sso_step_up_started',
      { provider: string; attemptId: string; ip: string | null; sessionId: string }
    >
  | Ev<
      'auth.sso_refused',
      {
        provider: string;
        reason: SsoRefusalReason;
        ip: string | null;
        subjectHash: string | null;
        attemptId: string | null;
        /** Set for a step-up attempt (re-authentication of this session at the provider). */
        stepUpSessionId?: string;
      }
    >
  | Ev<
      'auth.sso_signed_in',
      {
        provider: string;
        subjectHash: string;
        /** The provider asserted a multi-factor sign-in (an accepted amr or acr value). */
        mfa: boolean;
        next: 'active' | 'second_factor' | 'trusted_network';
        ip: string | null;
        sessionId: string;
      }
    >
  | Ev<'staff_user.sso_provisioned', { provider: string; subjectHash: string }>
  | Ev<'staff_user.sso_linked', { provider: string; subjectHash: string; matchBy: 'email' | 'username' }>
  | Ev<
      'staff_user.sso_grants_changed',
      {
        provider: string;
        rolesAdded: string[];
        rolesRemoved: string[];
        programmesAdded: string[];
        programmesRemoved: string[];
        /** Mapped role or programme names that match nothing in Dossier (a configuration error). */
        unresolved: string[];
      }
    >
  | Ev<
      'auth.sso_logout_received',
      { provider: string; channel: 'back' | 'front'; sessionsEnded: number; bySid: boolean }
    >
  | Ev<
      'auth.sso_logout_refused',
      { provider: string; channel: 'back' | 'front'; reason: SsoRefusalReason; detail: string }
    >
  | Ev<'client_organisation.created', { fields: string[] }>
  | Ev<'application.client_organisation_set', { from: string | null; to: string | null }>
  | Ev<'client_organisation.updated', { changes: string[]; version: number }>
  | Ev<'client_user.created', { organisationId: string; role: string; fields: string[] }>
  | Ev<'client_user.updated', { changes: string[]; version: number }>
  | Ev<'client_user.disabled', { sessionsEnded: number }>
  | Ev<'client_user.enabled', Record<string, never>>
  | Ev<'client_user.password_set', { via: 'invitation' }>
  | Ev<'client_user.password_changed', { sessionsEnded: number; keptSessionId: string | null }>
  | Ev<'client_user.password_change_failed', { reason: 'wrong_current_password' }>
  | Ev<
      'client_invitation.sent',
      {
        invitationId: string;
        expiresAt: string;
        mailed: boolean;
        revoked: number;
        applicationId?: string | null;
        smsSent?: boolean;
      }
    >
  | Ev<
      'client_invitation.refused',
      {
        reason: 'unknown' | 'used' | 'expired' | 'revoked' | 'user_disabled' | 'no_factor' | 'delayed';
        ip: string;
      }
    >
  | Ev<'client_invitation.opened', { invitationId: string; ip: string; sessionId: string }>
  | Ev<'client_invitation.accepted', { invitationId: string; ip: string; sessionId: string }>
  /** A link call refused before it reached a client operation (no session, wrong realm, CSRF). */
  | Ev<'link.refused', { method: string; route: string; reason: string }>
  | Ev<'staff_user.created', { fields: string[]; activationExpiresAt: string }>
  | Ev<'staff_user.activated', { tokenId: string }>
  | Ev<'staff_user.reset_started', { tokenId: string; expiresAt: string; retired: number }>
  | Ev<'staff_user.reset_completed', { tokenId: string; sessionsEnded: number }>
  | Ev<'staff_user.password_changed', { sessionsEnded: number; keptSessionId: string | null }>
  | Ev<'staff_user.password_change_failed', { reason: 'wrong_current_password' }>
  | Ev<'staff_user.updated', { fields: string[]; version: number }>
  | Ev<'staff_user.mobile_changed', { removed: boolean; version: number }>
  | Ev<'staff_user.disabled', { sessionsEnded: number; version: number }>
  | Ev<'staff_user.enabled', { version: number }>
  | Ev<'staff_user.mail_sent', { kind: StaffMailKind }>
  | Ev<'staff_user.mail_failed', { kind: StaffMailKind; reason: string }>
  | Ev<'role.created', { name: string; rights: string[]; trustedNetworkSkip: boolean }>
  | Ev<'role.updated', { changes: Record<string, { from: unknown; to: unknown }>; version: number }>
  | Ev<'role.deleted', { name: string; rights: string[]; version: number }>
  | Ev<'staff_user.roles_changed', { before: string[]; after: string[] }>
  /** The directory could not be reached during a sign-in (the attempt was not counted). */
  | Ev<'auth.directory_unavailable', { ip: string; error: string }>
  | Ev<'directory.user_provisioned', { via: 'sign_in' | 'sync'; roles: string[]; programmes: string[] }>
  | Ev<
      'directory.user_updated',
      {
        via: 'sign_in' | 'sync';
        fields: string[];
        rolesAdded: string[];
        rolesRemoved: string[];
        programmesAdded: string[];
        programmesRemoved: string[];
      }
    >
  | Ev<
      'directory.user_disabled',
      { via: 'sign_in' | 'sync'; reason: DirectoryDisableReason; sessionsEnded: number }
    >
  | Ev<'directory.user_enabled', { via: 'sign_in' | 'sync' }>
  | Ev<
      'directory.grant_refused',
      { via: 'sign_in' | 'sync'; roleIds: string[]; reason: 'separation_of_duties' }
    >
  | Ev<'directory.mapping_added', { groupDn: string; roleId: string | null; programmeId: string | null }>
  | Ev<'directory.mapping_removed', { groupDn: string; roleId: string | null; programmeId: string | null }>
  | Ev<
      'directory.sync_completed',
      {
        mode: 'full' | 'changed';
        trigger: 'schedule' | 'api' | 'cli';
        seen: number;
        created: number;
        updated: number;
        disabled: number;
        enabled: number;
        unchanged: number;
        errors: number;
        highWaterMark: string | null;
      }
    >
  | Ev<
      'directory.sync_failed',
      { mode: 'full' | 'changed'; trigger: 'schedule' | 'api' | 'cli'; error: string }
    >
  | Ev<
      'role.separation_of_duties_refused',
      {
        operation: 'create_role' | 'update_role' | 'set_user_roles';
        violations: SeparationOfDutiesViolationRef[];
      }
    >
  | Ev<'separation_of_duties.added', { rightA: string; rightB: string; description: string }>
  | Ev<'separation_of_duties.removed', { rightA: string; rightB: string; description: string }>
  | Ev<
      'document.uploaded',
      UploadedFileRef & {
        subjectId: string;
        programmeId: string;
        applicationId: string | null;
        type: string;
      }
    >
  | Ev<'document.version_added', UploadedFileRef>
  /** Every refused upload: the check that refused it (and the virus signature), never the file name. */
  | Ev<
      'document.upload_refused',
      {
        subjectId: string;
        documentId: string | null;
        reason: string;
        signature: string | null;
        extension: string | null;
        ip: string | null;
      }
    >
  /** An upload accepted unscanned because the scanner was unavailable and fail-open is configured. */
  | Ev<'document.scan_skipped', { version: number; reason: string }>
  | Ev<'document.updated', { fields: string[]; version: number; validity: string }>
  | Ev<'document.viewed', { version: number; range: string | null; ip: string | null }>
  | Ev<'document.downloaded', { version: number; range: string | null; ip: string | null }>
  | Ev<
      'document.integrity_failed',
      { version: number; blobId: string; stage: 'size' | 'key' | 'content'; ip: string | null }
    >
  | Ev<'document.deleted', { destroyAfter: string; versions: number }>
  /** Crypto-shredding at the end of retention: the data keys of every version are destroyed. */
  | Ev<'document.destroyed', { blobs: number }>
  | Ev<'document.linked', { applicationId: string }>
  | Ev<'document.unlinked', { applicationId: string }>
  | Ev<'document.uploads_swept', { blobIds: string[] }>
  | Ev<'documents.verified', { checked: number; failed: number; orphans: number; missing: number }>
  | Ev<'key.rotated', { purpose: string; to: string; added: boolean; rewrapped: number; remaining: number }>
  | Ev<'key.retired', { purpose: string }>
  | Ev<
      'screening.list_imported',
      {
        snapshotId: string;
        format: string;
        contentHash: string;
        entities: number;
        added: number;
        changed: number;
        removed: number;
      }
    >
  | Ev<'screening.list_import_refused', { format: string; location: string }>
  | Ev<'screening.alerts_raised', { runId: string; raised: number; suppressed: number; status: string }>
  | Ev<
      'screening.alert_resolved',
      { alertId: string; decision: string; list: string; entityId: string; status: string }
    >
  | Ev<
      'screening.run',
      { runId: string; subjectId: string | null; hits: number; snapshots: string[]; threshold: number }
    >
  /**
   * Programme configuration versions (target 'programme'): version numbers and content hashes
   * (hex SHA-256 of the canonical content), never the content itself.
   */
  | Ev<
      'programme.configuration_draft_saved',
      { configurationId: string; version: number; contentHash: string; replaced: boolean }
    >
  | Ev<
      'programme.configuration_draft_discarded',
      { configurationId: string; version: number; contentHash: string }
    >
  | Ev<'programme.configuration_published', { configurationId: string; version: number; contentHash: string }>
  | Ev<
      'programme.configuration_imported',
      {
        configurationId: string;
        version: number;
        contentHash: string;
        sourceProgramme: string;
        sourceVersion: number | null;
        replaced: boolean;
      }
    >
  | Ev<'programme.configuration_exported', { version: number | null; contentHash: string; source: string }>
  /** Forms (target 'form'): definitions and their versions; keys and counts, never field labels. */
  | Ev<'form.created', { programmeId: string; key: string; versionId: string; fields: number }>
  | Ev<'form.draft_updated', { versionId: string; version: number; fields: number; started: boolean }>
  | Ev<'form.published', { versionId: string; version: number; superseded: string | null }>
  | Ev<'form.retired', { programmeId: string; key: string }>
  /** Questionnaires of an application (target 'application'): ids and counts, never answers. */
  | Ev<
      'form.assigned',
      { assignmentId: string; formId: string; subjectId: string | null; dueAt: string | null }
    >
  | Ev<'form.assignment_cancelled', { assignmentId: string; formId: string; draftDiscarded: boolean }>
  | Ev<'form.assignment_reopened', { assignmentId: string; formId: string; submissionId: string }>
  | Ev<'form.draft_saved', { assignmentId: string; formId: string; versionId: string; answerCount: number }>
  | Ev<
      'form.submitted',
      { assignmentId: string; formId: string; versionId: string; submissionId: string; answerCount: number }
    >
  /** Requests from compliance to a client (target 'client_request' unless said): ids and counts only. */
  | Ev<'client_request.created', { applicationId: string; dueAt: string; items: number; kinds: string[] }>
  | Ev<'client_request.cancelled', { applicationId: string; openItems: number }>
  /** A client answered a fields item (target: the subject changed); field names, never values. */
  | Ev<
      'client_request.item_answered',
      { requestId: string; itemId: string; fields: string[]; subjectVersion: number }
    >
  | Ev<
      'client_request.item_completed',
      { itemId: string; kind: string; documentId: string | null; by: string | null }
    >
  | Ev<'client_request.completed', { applicationId: string; items: number }>
  | Ev<'client_request.overdue', { applicationId: string; dueAt: string }>
  | Ev<'client_request.reminder_sent', { stage: string; recipients: number }>
  /** Meetings with a client (target 'meeting'): ids, times and counts; never agenda, outcome or comments. */
  | Ev<
      'meeting.scheduled',
      {
        applicationId: string;
        mode: string;
        startsAt: string;
        staffUserIds: string[];
        clientUserIds: string[];
      }
    >
  | Ev<
      'meeting.rescheduled',
      {
        applicationId: string;
        fields: string[];
        version: number;
        responsesReset: boolean;
        added: string[];
        removed: string[];
      }
    >
  | Ev<'meeting.cancelled', { applicationId: string; version: number }>
  | Ev<'meeting.confirmed', { applicationId: string; comment: boolean }>
  | Ev<'meeting.declined', { applicationId: string; comment: boolean }>
  | Ev<'meeting.outcome_recorded', { applicationId: string; status: 'held' | 'no_show'; length: number }>
  | Ev<'meeting.evidence_attached', { applicationId: string; documentIds: string[] }>
  | Ev<'trusted_network.added', { cidr: string; label: string }>
  | Ev<'trusted_network.removed', { cidr: string; label: string }>;

export type AuditEventType = AuditEvent['type'];
