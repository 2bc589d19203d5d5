import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { UsersModule } from '../../users/users.module';
import { PasswordPagesController } from '../auth/password-pages.controller';
import { AccountPagesController } from './account-pages.controller';
import { AuditPagesController } from './audit-pages.controller';
import { UserPagesController } from './user-pages.controller';

/** Pages of issue 15: users, my account, the audit log, and the password reset pages of the login. */
@Module({
  imports: [UsersModule, OrganizationsModule],
  controllers: [UserPagesController, AccountPagesController, AuditPagesController, PasswordPagesController],
})
export class UserPagesModule {}
