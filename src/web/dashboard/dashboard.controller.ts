import { Get, Req, Res } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuthUser, CurrentUser } from '../../auth/auth-user';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { ReportsService } from '../../reports/reports.service';
import { WebController } from '../web-controller.decorator';
import { DashboardLink, dashboardLinks, eventLinks } from './dashboard-links';

/** View model of dashboard/index.eta. */
interface HomeView {
  links: DashboardLink[];
  figures: { upcomingEvents: number; confirmedRegistrations: number; waitlisted: number; checkInsToday: number };
  next: { id: string; title: string; when: string; confirmed: number; capacity: number | null; checkedIn: number }[];
  eventLinks: { report: boolean; desk: boolean };
}

/** Every user's home page: live figures of their subtree and the pages their role may open. */
@WebController()
export class DashboardController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  async home(@CurrentUser() user: AuthUser, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const { figures, next } = await this.reports.home(user);
    const en = req.locale === 'en';
    const view: HomeView = {
      links: dashboardLinks(user.role),
      figures,
      next: next.map((e) => ({
        id: e.id,
        title: en && e.titleEn ? e.titleEn : e.title,
        when: DateTime.fromJSDate(new Date(e.startsAt), { zone: e.timezone }).toFormat('dd/MM/yyyy HH:mm'),
        confirmed: e.confirmedCount,
        capacity: e.capacity,
        checkedIn: e.checkedIn,
      })),
      eventLinks: eventLinks(user.role),
    };
    await res.view('dashboard/index', view);
  }
}
