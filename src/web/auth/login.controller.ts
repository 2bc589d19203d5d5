import { Body, Get, HttpStatus, Inject, Ip, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { AuthUser, Public } from '../../auth/auth-user';
import { AuthService } from '../../auth/auth.service';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { UnauthorizedError } from '../../http/domain-errors';
import { clearSessionCookie, safeNext, setSessionCookie } from '../session-cookies';
import { WebController } from '../web-controller.decorator';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';

/** View model of auth/login.eta. */
interface LoginView {
  next: string;
  email: string;
  /** i18n key of the form-level error, if any. */
  errorKey: string | null;
  loggedOut: boolean;
  /** Back from a password reset link. */
  resetDone?: boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

@WebController()
export class LoginController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('login')
  page(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Query('next') next: unknown, @Query('loggedOut') loggedOut: unknown, @Query('reset') reset: unknown): void {
    if (req.user) return void res.redirect(safeNext(next), 303);
    this.render(res, { next: safeNext(next), email: '', errorKey: null, loggedOut: loggedOut === '1', resetDone: reset === '1' });
  }

  /** Same rate limit as the API login (AuthService.login: per address and e-mail; a 429 is rendered by the page error filter). */
  @Public()
  @Post('login')
  @RateLimit('tokenMisses', { counts: 'misses' })
  async login(@Body() body: Record<string, unknown>, @Ip() ip: string, @Res() res: FastifyReply): Promise<void> {
    const email = str(body.email).trim();
    const next = safeNext(body.next);
    try {
      const { accessToken } = await this.auth.login(email, str(body.password), ip);
      setSessionCookie(res, this.config, accessToken);
      res.redirect(next, 303);
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      res.status(HttpStatus.UNAUTHORIZED);
      this.render(res, { next, email, errorKey: 'auth.wrong', loggedOut: false });
    }
  }

  /** Public so that an expired session can still log out; the CSRF check still applies. */
  @Public()
  @Post('logout')
  logout(@Res() res: FastifyReply): void {
    clearSessionCookie(res, this.config);
    res.redirect('/login?loggedOut=1', 303);
  }

  private render(res: FastifyReply, view: LoginView): void {
    res.view('auth/login', view);
  }
}
