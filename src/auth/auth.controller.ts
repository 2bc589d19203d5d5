import { Body, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiController } from '../http/api-controller.decorator';
import { Public } from './auth-user';
import { AuthService } from './auth.service';
import { LoginDto, LoginResponseDto } from './dto/login.dto';

@ApiController('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Rate-limited against password guessing (AuthService.login counts through LoginAttemptsService). */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'email or password is wrong' })
  @ApiTooManyRequestsResponse({ description: 'too many failed logins for this e-mail from this address' })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<LoginResponseDto> {
    return this.auth.login(dto.email, dto.password, ip);
  }
}
