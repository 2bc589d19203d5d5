import { Body, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { EMPTY_OBJECT_SCHEMA } from '../auth/dto/password.dto';
import { PasswordResetService } from '../auth/password-reset.service';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { Page } from '../http/pagination';
import type { FastifyRequest } from '../http/request';
import { UuidParam } from '../http/uuid-param';
import { CreateUserDto, ListUsersQueryDto, ManagedUserDto, ManagedUserPageDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiController('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly resets: PasswordResetService,
  ) {}

  @Get('me')
  @ApiOkResponse({ type: UserDto })
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.users.get(user.id);
  }

  /** Admin: anyone. Organizer: a leader or staff member of a unit of their own subtree. */
  @Post()
  @Roles('organizer')
  @ApiCreatedResponse({ type: ManagedUserDto })
  @ApiErrors({
    403: 'the role is above what you may give (an organizer gives leader or staff), or the unit is outside your subtree',
    404: 'organizationId is not a known organization',
    409: 'a user with this e-mail already exists',
  })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateUserDto): Promise<ManagedUserDto> {
    return this.users.create(user, dto);
  }

  /** Admin: every user; organizer: the users of their subtree. Sorted by name. */
  @Get()
  @Roles('organizer')
  @ApiOkResponse({ type: ManagedUserPageDto })
  list(@CurrentUser() user: AuthUser, @Query() q: ListUsersQueryDto): Promise<Page<ManagedUserDto>> {
    return this.users.list(user, q);
  }

  /** 404 for a user outside your subtree. */
  @Get(':id')
  @Roles('organizer')
  @ApiOkResponse({ type: ManagedUserDto })
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<ManagedUserDto> {
    return this.users.getVisible(user, id);
  }

  /**
   * Change the name, role or unit, or deactivate (`active: false`, every token and page session
   * of the user stops working at once) and reactivate. A role or unit change applies from the
   * user's next request.
   */
  @Patch(':id')
  @Roles('organizer')
  @ApiOkResponse({ type: ManagedUserDto })
  @ApiErrors({
    403: 'an organizer changes only leaders and staff of their subtree, and gives only those roles and units of their subtree',
    409: 'the last active admin cannot be deactivated or demoted',
  })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdateUserDto): Promise<ManagedUserDto> {
    return this.users.update(user, id, dto);
  }

  /** Admin: ends every session of the user (API tokens and pages). */
  @Post(':id/sign-out-everywhere')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  signOutEverywhere(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.users.signOutEverywhere(user, id);
  }

  /** Admin: mails the user a single-use password reset link (valid 30 minutes), in the admin's page language. */
  @Post(':id/password-reset')
  @Roles('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'the link is queued for mail', schema: EMPTY_OBJECT_SCHEMA })
  @ApiErrors({ 404: 'no such active user' })
  async sendReset(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest): Promise<Record<string, never>> {
    await this.resets.sendByAdmin({ id: user.id, email: user.email }, id, req.locale === 'en' ? 'en' : 'vi');
    return {};
  }
}
