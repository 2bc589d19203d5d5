import type { Role } from '../../users/user.entity';

/** One entry of the home page: a link, or a feature of a later issue shown as "coming". */
export interface DashboardLink {
  /** i18n key of the label. */
  labelKey: string;
  href: string | null;
  coming: boolean;
}

const ADMIN: DashboardLink[] = [
  { labelKey: 'dashboard.admin.organizations', href: '/organizations', coming: false },
  { labelKey: 'dashboard.admin.outbox', href: '/admin/outbox', coming: false },
  { labelKey: 'dashboard.admin.queues', href: '/admin/queues', coming: false },
];
const EVENTS: DashboardLink = { labelKey: 'dashboard.organizer.events', href: '/events', coming: false };
const DESK: DashboardLink = { labelKey: 'dashboard.staff.desk', href: '/desk', coming: false };
// Features of later issues: listed so that each role sees what the product will offer, without a dead link.
const REPORTS: DashboardLink = { labelKey: 'dashboard.leader.reports', href: null, coming: true };

/** What the home page offers each role (admin sees everything). */
export function dashboardLinks(role: Role): DashboardLink[] {
  switch (role) {
    case 'admin':
      return [...ADMIN, EVENTS, REPORTS, DESK];
    case 'organizer':
      return [EVENTS, { labelKey: 'dashboard.organizer.organizations', href: '/organizations', coming: false }, DESK];
    case 'leader':
      return [EVENTS, REPORTS];
    case 'staff':
      return [EVENTS, DESK];
  }
}
