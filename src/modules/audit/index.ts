export type { AuditEvent, AuditEventType, AuditTarget } from './audit.events.ts';
export { appendAudit, recordAudit, hashRow } from './audit.repository.ts';
export { verifyAuditChain, type AuditVerification } from './verify-audit-chain.ts';
export { listAuditEvents } from './list-audit-events.ts';
export { exportAuditEvents, MAX_AUDIT_EXPORT } from './export-audit-events.ts';
export * from './audit.schema.ts';
