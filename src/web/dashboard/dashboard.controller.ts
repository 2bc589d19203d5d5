import { Get, Render } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../../auth/auth-user';
import { WebController } from '../web-controller.decorator';
import { DashboardLink, dashboardLinks } from './dashboard-links';

@WebController()
export class DashboardController {
  @Get()
  @Render('dashboard/index')
  home(@CurrentUser() user: AuthUser): { links: DashboardLink[] } {
    return { links: dashboardLinks(user.role) };
  }
}
