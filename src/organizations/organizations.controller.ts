import { Body, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { UuidParam } from '../http/uuid-param';
import { CreateOrganizationDto, ListOrganizationsQueryDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiController('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Roles('organizer')
  @ApiCreatedResponse({ type: OrganizationDto })
  @ApiErrors({ 403: 'parentId is outside your subtree, or a top-level unit (admin only)', 404: 'parentId is not a known organization' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(user, dto);
  }

  @Get()
  @ApiOkResponse({ type: [OrganizationDto] })
  @ApiErrors({ 403: 'parentId is outside your subtree', 404: 'parentId is not a known organization' })
  list(@CurrentUser() user: AuthUser, @Query() q: ListOrganizationsQueryDto): Promise<OrganizationDto[]> {
    return this.organizations.list(user, q.parentId);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrganizationDto })
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<OrganizationDto> {
    return this.organizations.get(user, id);
  }

  @Patch(':id')
  @Roles('organizer')
  @ApiOkResponse({ type: OrganizationDto })
  @ApiErrors({ 409: 'parentId is the organization itself or one of its descendants' })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.update(user, id, dto);
  }
}
