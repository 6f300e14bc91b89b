/** The home dashboard's counts (GET /api/v1/dashboard): what needs attention, per the actor's programmes. */
import { Type, type Static } from 'typebox';

const Count = Type.Integer({ minimum: 0 });
const Uuid = Type.String({ format: 'uuid' });

export const DashboardStatusView = Type.Object({
  key: Type.String(),
  label: Type.String(),
  terminal: Type.Boolean(),
});

/** A programme the actor sees, its status machine's statuses (for filters and labels) and its application count. */
export const DashboardProgrammeView = Type.Object({
  id: Uuid,
  name: Type.String(),
  statuses: Type.Array(DashboardStatusView),
  applications: Count,
});

export const DashboardView = Type.Object({
  generatedAt: Type.String({ format: 'date-time' }),
  programmes: Type.Array(DashboardProgrammeView),
  applications: Type.Object({
    total: Count,
    /** Per status key, across programmes (label: the first programme's label for that key). */
    byStatus: Type.Array(
      Type.Object({ status: Type.String(), label: Type.String(), terminal: Type.Boolean(), count: Count }),
    ),
    /** Applications not in a terminal status, by risk level (null: not assessed yet, counted as high). */
    openByRisk: Type.Array(
      Type.Object({
        riskLevel: Type.Union([
          Type.Literal('low'),
          Type.Literal('medium'),
          Type.Literal('high'),
          Type.Null(),
        ]),
        count: Count,
      }),
    ),
    /** Four-eyes decisions prepared and awaiting a second person. */
    decisionsAwaiting: Count,
  }),
  /** Open screening alerts of the subjects the actor sees; null without `screening:run`. */
  screening: Type.Union([
    Type.Object({
      openAlerts: Count,
      subjectsWithOpenAlerts: Count,
      byList: Type.Array(Type.Object({ list: Type.String(), count: Count })),
    }),
    Type.Null(),
  ]),
  /** Open requests to clients by due date (overdue, due in the next 7 days, later). */
  requests: Type.Object({ overdue: Count, dueWithin7Days: Count, dueLater: Count }),
  /** Documents by expiry date (expired, within 30 days, within 90 days); null without `subject:read`. */
  documents: Type.Union([
    Type.Object({ expired: Count, expiringWithin30Days: Count, expiringWithin90Days: Count }),
    Type.Null(),
  ]),
});
export type DashboardView = Static<typeof DashboardView>;
