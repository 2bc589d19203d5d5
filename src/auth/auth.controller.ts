import { Body, HttpCode, Inject, Ip, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../config/config';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import type { FastifyReply, FastifyRequest } from '../http/request';
import { signedCookie } from '../http/request';
import { setSessionCookie } from '../web/session-cookies';
import { UsersService } from '../users/users.service';
import { AuthUser, CurrentUser, Public } from './auth-user';
import { SESSION_COOKIE } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { ChangePasswordDto, EMPTY_OBJECT_SCHEMA, RequestPasswordResetDto, ResetPasswordDto } from './dto/password.dto';
import { PasswordResetService } from './password-reset.service';
import { RateLimit } from '../rate-limit/rate-limit.decorator';

/** Response header with the fresh token after a password change (the old token no longer works). */
export const NEW_TOKEN_HEADER = 'x-access-token';

@ApiController('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Rate-limited against password guessing (AuthService.login counts through LoginAttemptsService). */
  @Public()
  @Post('login')
  @RateLimit('tokenMisses', { counts: 'misses' })
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'email or password is wrong, or the account is deactivated' })
  @ApiTooManyRequestsResponse({ description: 'too many failed logins for this e-mail from this address' })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<LoginResponseDto> {
    return this.auth.login(dto.email, dto.password, ip);
  }

  /**
   * Changes your own password and ends every other session of yours. The token of this request
   * ends too: the 204 carries its replacement in the `x-access-token` header (and a page session
   * gets a fresh cookie).
   */
  @Post('password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'changed; other sessions ended', headers: { [NEW_TOKEN_HEADER]: { description: 'a new bearer token for this client', schema: { type: 'string' } } } })
  @ApiErrors({ 400: 'currentPassword is wrong, or newPassword is too short, too common or unchanged' })
  async changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<void> {
    const token = await this.auth.changePassword(user, dto.currentPassword, dto.newPassword);
    res.header(NEW_TOKEN_HEADER, token);
    if (signedCookie(req, SESSION_COOKIE)) setSessionCookie(res, this.config, token);
  }

  /** Ends every session of yours (API tokens and pages), this one included. */
  @Post('sign-out-everywhere')
  @HttpCode(204)
  @ApiNoContentResponse()
  signOutEverywhere(@CurrentUser() user: AuthUser): Promise<void> {
    return this.users.signOutEverywhere(user, user.id);
  }

  /**
   * "Forgot password": mails a single-use link valid for 30 minutes when the address belongs to
   * an active account. The answer is the same whether or not it does.
   */
  @Public()
  @Post('password-reset')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'the same answer whether or not the address exists', schema: EMPTY_OBJECT_SCHEMA })
  @ApiTooManyRequestsResponse({ description: 'too many reset requests for this address or from this client (3 per address, 20 per client an hour)' })
  @ApiErrors({ 429: 'too many reset requests for this address or from this client' })
  async requestReset(@Body() dto: RequestPasswordResetDto, @Ip() ip: string): Promise<Record<string, never>> {
    await this.resets.request(dto.email, ip, 'vi');
    return {};
  }

  /** Sets a new password with the token of a reset link: once, within 30 minutes; ends every session of the user. */
  @Public()
  @Post('password-reset/:token')
  @RateLimit('tokenMisses', { counts: 'misses' })
  @HttpCode(204)
  @ApiParam({ name: 'token', description: 'the token of the reset link', schema: { type: 'string', maxLength: 200 } })
  @ApiNoContentResponse({ description: 'the password is set' })
  @ApiErrors({ 404: 'the link is wrong, already used or expired' })
  reset(@Param('token') token: string, @Body() dto: ResetPasswordDto): Promise<void> {
    return this.resets.reset(token.slice(0, 200), dto.newPassword);
  }
}
