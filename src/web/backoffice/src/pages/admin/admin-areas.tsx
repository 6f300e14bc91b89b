/**
 * The administration pages as back-office areas: each shown only to holders of its right (the API
 * enforces the right anyway). Spread into AREAS in `areas.tsx`.
 */
import type { Area } from '../../areas.tsx';
import { AdminApiKeys } from './AdminApiKeys.tsx';
import { AdminAudit } from './AdminAudit.tsx';
import { AdminClients } from './AdminClients.tsx';
import { AdminDirectory } from './AdminDirectory.tsx';
import { AdminProgrammeMembers } from './AdminProgrammeMembers.tsx';
import { AdminRoles } from './AdminRoles.tsx';
import { AdminTrustedNetworks } from './AdminTrustedNetworks.tsx';
import { AdminUsers } from './AdminUsers.tsx';

export const ADMIN_AREAS: Area[] = [
  { path: '/admin/users', right: 'user:manage', nav: 'nav.adminUsers', element: <AdminUsers /> },
  { path: '/admin/roles', right: 'role:manage', nav: 'nav.adminRoles', element: <AdminRoles /> },
  { path: '/admin/directory', right: 'user:manage', nav: 'nav.adminDirectory', element: <AdminDirectory /> },
  {
    path: '/admin/programme-members',
    right: 'programme:members',
    nav: 'nav.adminMembers',
    element: <AdminProgrammeMembers />,
  },
  {
    path: '/admin/trusted-networks',
    right: 'trusted-network:manage',
    nav: 'nav.adminNetworks',
    element: <AdminTrustedNetworks />,
  },
  { path: '/admin/api-keys', right: 'api-key:manage', nav: 'nav.adminApiKeys', element: <AdminApiKeys /> },
  { path: '/admin/audit', right: 'audit:read', nav: 'nav.adminAudit', element: <AdminAudit /> },
  { path: '/admin/clients', right: 'client:manage', nav: 'nav.adminClients', element: <AdminClients /> },
];
