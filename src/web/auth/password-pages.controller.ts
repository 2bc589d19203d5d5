import { Body, Get, HttpStatus, Ip, Param, Post, Req, Res } from '@nestjs/common';
import { Public } from '../../auth/auth-user';
import { RequestPasswordResetDto, ResetPasswordDto } from '../../auth/dto/password.dto';
import { InvalidResetLinkError, PasswordResetService, TooManyResetsException } from '../../auth/password-reset.service';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { FieldErrors, validateForm } from '../forms';
import { passwordErrors } from '../users/password-errors';
import { WebController } from '../web-controller.decorator';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';

/** View model of auth/forgot.eta. */
interface ForgotView {
  email: string;
  errors: FieldErrors;
  sent: boolean;
  tooMany: boolean;
}

/** View model of auth/reset.eta. */
interface ResetView {
  action: string;
  valid: boolean;
  errors: FieldErrors;
}

/** "Forgot password" (from the login page) and the page a reset link opens. */
@WebController()
@Public()
export class PasswordPagesController {
  constructor(private readonly resets: PasswordResetService) {}

  @Get('forgot-password')
  forgot(@Res() res: FastifyReply): void {
    this.renderForgot(res, { email: '', errors: {}, sent: false, tooMany: false });
  }

  /** The same page whether or not the address exists. */
  @Post('forgot-password')
  async requestLink(@Body() body: Record<string, unknown>, @Ip() ip: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const { value, errors } = await validateForm(RequestPasswordResetDto, { email });
    if (errors) return this.renderForgot(res, { email, errors, sent: false, tooMany: false }, HttpStatus.BAD_REQUEST);
    try {
      await this.resets.request(value.email, ip, req.locale === 'en' ? 'en' : 'vi');
    } catch (e) {
      if (!(e instanceof TooManyResetsException)) throw e;
      res.header('Retry-After', String(e.retryAfterSeconds));
      return this.renderForgot(res, { email, errors: {}, sent: false, tooMany: true }, HttpStatus.TOO_MANY_REQUESTS);
    }
    this.renderForgot(res, { email: '', errors: {}, sent: true, tooMany: false });
  }

  @Get('password-reset/:token')
  @RateLimit('tokenMisses', { counts: 'misses' })
  async resetForm(@Param('token') token: string, @Res() res: FastifyReply): Promise<void> {
    const valid = await this.resets.isUsable(token.slice(0, 200));
    this.renderReset(res, { action: `/password-reset/${encodeURIComponent(token)}`, valid, errors: {} }, valid ? HttpStatus.OK : HttpStatus.NOT_FOUND);
  }

  @Post('password-reset/:token')
  @RateLimit('tokenMisses', { counts: 'misses' })
  async reset(@Param('token') token: string, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const action = `/password-reset/${encodeURIComponent(token)}`;
    const newPassword = typeof body.newPassword === 'string' ? body.newPassword : '';
    const checked = await validateForm(ResetPasswordDto, { newPassword });
    const errors = passwordErrors(checked.errors, newPassword, 'newPassword');
    if (errors) return this.renderReset(res, { action, valid: true, errors }, HttpStatus.BAD_REQUEST);
    try {
      await this.resets.reset(token.slice(0, 200), newPassword);
    } catch (e) {
      if (!(e instanceof InvalidResetLinkError)) throw e;
      return this.renderReset(res, { action, valid: false, errors: {} }, HttpStatus.NOT_FOUND);
    }
    res.redirect('/login?reset=1', 303);
  }

  private renderForgot(res: FastifyReply, view: ForgotView, status: number = HttpStatus.OK): void {
    res.status(status).view('auth/forgot', view);
  }

  private renderReset(res: FastifyReply, view: ResetView, status: number = HttpStatus.OK): void {
    res.status(status).view('auth/reset', view);
  }
}
