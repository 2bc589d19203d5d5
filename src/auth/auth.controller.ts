import { Body, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { ApiController } from '../http/api-controller.decorator';
import { Public } from './auth-user';
import { AuthService } from './auth.service';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';

@ApiController('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Rate-limited against password guessing: 10 attempts a minute per client. */
  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  login(@Body() dto: LoginDto): Promise<LoginResponseDto> {
    return this.auth.login(dto.email, dto.password);
  }
}
