import { Body, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { CreateUserDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiController('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOkResponse({ type: UserDto })
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.users.get(user.id);
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors({ 404: 'organizationId is not a known organization', 409: 'a user with this e-mail already exists' })
  create(@Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(dto);
  }
}
