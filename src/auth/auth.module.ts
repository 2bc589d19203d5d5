import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createSecretKey } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService, TOKEN_TTL } from './auth.service';
import { LoginAttemptsService } from './login-attempts.service';
import { PersonalLinksModule } from '../registrations/personal-links.module';
import { PasswordReset } from './password-reset.entity';
import { PasswordResetService } from './password-reset.service';

@Global()
@Module({
  imports: [
    UsersModule,
    AuditModule,
    MailModule,
    PersonalLinksModule,
    TypeOrmModule.forFeature([PasswordReset]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject, not the string: given a string, jsonwebtoken first tries createPublicKey() on it and
      // builds the secret key from the thrown error's fallback on every verify (17 % of the CPU of an
      // authenticated request in the bench). The key bytes are the same, so issued tokens stay valid.
      useFactory: (config: AppConfig) => ({
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        signOptions: { expiresIn: TOKEN_TTL, algorithm: 'HS256' },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, LoginAttemptsService, PasswordResetService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, LoginAttemptsService, PasswordResetService, UsersModule],
})
export class AuthModule {}
