import { Body, Get, HttpStatus, Inject, Post, Query, Res } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../../auth/auth-user';
import { AuthService } from '../../auth/auth.service';
import { ChangePasswordDto } from '../../auth/dto/password.dto';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { InvalidInputError } from '../../http/domain-errors';
import type { FastifyReply } from '../../http/request';
import { UsersService } from '../../users/users.service';
import { FieldErrors, validateForm } from '../forms';
import { clearSessionCookie, setSessionCookie } from '../session-cookies';
import { WebController } from '../web-controller.decorator';
import { passwordErrors } from './password-errors';

/** View model of users/account.eta. */
interface AccountView {
  errors: FieldErrors;
  changed: boolean;
}

/** Everyone's own account: change the password, sign out everywhere. */
@WebController('account')
export class AccountPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  page(@Query('changed') changed: unknown, @Res() res: FastifyReply): void {
    this.render(res, { errors: {}, changed: changed === '1' });
  }

  /** Ends the other sessions; this one continues with a fresh cookie. */
  @Post('password')
  async changePassword(@CurrentUser() user: AuthUser, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    // Passwords are taken as typed (no trimming).
    const values = { currentPassword: typeof body.currentPassword === 'string' ? body.currentPassword : '', newPassword: typeof body.newPassword === 'string' ? body.newPassword : '' };
    const checked = await validateForm(ChangePasswordDto, values);
    const errors = passwordErrors(checked.errors, values.newPassword, 'newPassword');
    if (errors) return this.render(res, { errors, changed: false }, HttpStatus.BAD_REQUEST);
    try {
      const token = await this.auth.changePassword(user, values.currentPassword, values.newPassword);
      setSessionCookie(res, this.config, token);
      res.redirect('/account?changed=1', 303);
    } catch (e) {
      if (!(e instanceof InvalidInputError)) throw e;
      const field = e.details.field as string;
      const key = field === 'currentPassword' ? 'account.wrongCurrent' : 'password.sameAsCurrent';
      this.render(res, { errors: { [field]: [{ key }] }, changed: false }, HttpStatus.BAD_REQUEST);
    }
  }

  @Post('sign-out-everywhere')
  async signOutEverywhere(@CurrentUser() user: AuthUser, @Res() res: FastifyReply): Promise<void> {
    await this.users.signOutEverywhere(user, user.id);
    clearSessionCookie(res, this.config);
    res.redirect('/login?loggedOut=1', 303);
  }

  private render(res: FastifyReply, view: AccountView, status: number = HttpStatus.OK): void {
    res.status(status).view('users/account', view);
  }
}
