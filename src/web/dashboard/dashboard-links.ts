import type { Role } from '../../users/user.entity';

/** One entry of the home page: a page this role may open (nothing is listed that would answer 403). */
export interface DashboardLink {
  /** i18n key of the label. */
  labelKey: string;
  href: string;
}

const ORGANIZATIONS: DashboardLink = { labelKey: 'dash.organizations', href: '/organizations' };
const OUTBOX: DashboardLink = { labelKey: 'dash.outbox', href: '/admin/outbox' };
const QUEUES: DashboardLink = { labelKey: 'dash.queues', href: '/admin/queues' };
const EVENTS: DashboardLink = { labelKey: 'dash.events', href: '/events' };
const REPORTS: DashboardLink = { labelKey: 'dash.reports', href: '/reports' };
const DESK: DashboardLink = { labelKey: 'dash.deskLink', href: '/desk' };
const SPEAKERS: DashboardLink = { labelKey: 'dash.speakers', href: '/speakers' };

/**
 * What the home page offers each role, matching the roles the pages accept: reports for leaders,
 * organizers and admins (ReportPagesController), the desk for staff and organizers, the admin pages
 * for admins. A leader reads events and reports and changes nothing.
 */
export function dashboardLinks(role: Role): DashboardLink[] {
  switch (role) {
    case 'admin':
      return [REPORTS, EVENTS, DESK, ORGANIZATIONS, OUTBOX, QUEUES];
    case 'organizer':
      return [EVENTS, REPORTS, DESK, { labelKey: 'dash.organizerOrganizations', href: '/organizations' }, SPEAKERS];
    case 'leader':
      return [REPORTS, { labelKey: 'dash.eventsLeader', href: '/events' }];
    case 'staff':
      return [DESK, EVENTS];
  }
}

/** Which per-event links a role's home page shows beside each upcoming event. */
export function eventLinks(role: Role): { report: boolean; desk: boolean } {
  return { report: role === 'admin' || role === 'organizer' || role === 'leader', desk: role === 'admin' || role === 'organizer' || role === 'staff' };
}
