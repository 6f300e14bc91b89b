/**
 * The shapes the application pages read from the API (mirrors of the server's views), and the
 * small helpers they share: status labels from the programmes' machines, filters in the URL.
 */
import { useEffect, useState } from 'react';
import { api, ApiError } from '../../../ui/api.ts';

export type RiskLevel = 'low' | 'medium' | 'high';

export interface StatusDef {
  key: string;
  label: string;
  terminal: boolean;
}

export interface Dashboard {
  generatedAt: string;
  programmes: { id: string; name: string; statuses: StatusDef[]; applications: number }[];
  applications: {
    total: number;
    byStatus: { status: string; label: string; terminal: boolean; count: number }[];
    openByRisk: { riskLevel: RiskLevel | null; count: number }[];
    decisionsAwaiting: number;
  };
  screening: {
    openAlerts: number;
    subjectsWithOpenAlerts: number;
    byList: { list: string; count: number }[];
  } | null;
  requests: { overdue: number; dueWithin7Days: number; dueLater: number };
  documents: { expired: number; expiringWithin30Days: number; expiringWithin90Days: number } | null;
}

export interface Assignee {
  id: string;
  username: string;
  displayName: string;
}

export interface ApplicationSummary {
  id: string;
  reference: string;
  programme: { id: string; name: string };
  status: string;
  riskLevel: RiskLevel | null;
  assignee: Assignee | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Decision {
  id: string;
  applicationId: string;
  from: string;
  to: string;
  reason: string | null;
  status: 'pending' | 'confirmed' | 'rejected' | 'withdrawn';
  preparedBy: string;
  /** The current name of whoever `preparedBy` refers to; null if it names no one any longer. */
  preparedByName: string | null;
  preparedAt: string;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  decidedReason: string | null;
}

export interface Abilities {
  edit: boolean;
  addNote: boolean;
  assign: boolean;
  setRisk: boolean;
  transitions: { to: string; allowed: boolean; fourEyes: boolean; refusal?: string }[];
  decide: boolean;
}

export interface ApplicationDetail extends ApplicationSummary {
  allowedTransitions: string[];
  pendingDecision: Decision | null;
  subjects: {
    id: string;
    kind: 'person' | 'entity';
    displayName: string;
    role: string;
    addedBy: string | null;
    addedByName: string | null;
  }[];
  abilities?: Abilities;
}

export interface Note {
  id: string;
  body: string;
  author: string;
  authorName: string | null;
  authorKind: 'staff' | 'client';
  sharedWithClient: boolean;
  sharedAt: string | null;
  sharedBy: string | null;
  sharedByName: string | null;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The dashboard answer: counts, and the programmes the user sees with their statuses (which the
 * application pages use for filters and status labels). `error` when it could not be loaded.
 */
export function useDashboard(): { data: Dashboard | null; error: string | null } {
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<Dashboard>('/api/v1/dashboard')
      .then((d) => live && setData(d))
      .catch((err: unknown) => live && setError(err instanceof ApiError ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, []);
  return { data, error };
}

/** A status's label: the programme's own, else any programme's, else the key itself. */
export function statusLabel(d: Dashboard | null, status: string, programmeId?: string): string {
  const own = d?.programmes.find((p) => p.id === programmeId)?.statuses.find((s) => s.key === status);
  if (own) return own.label;
  return d?.applications.byStatus.find((s) => s.status === status)?.label ?? status;
}

/** Whether an actor reference (`staff:<id>`) is the signed-in user. */
export function isMe(ref: string | null, userId: string | undefined): boolean {
  return !!ref && !!userId && ref === `staff:${userId}`;
}
