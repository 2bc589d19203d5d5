import { Body, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { Page } from '../http/pagination';
import { UuidParam } from '../http/uuid-param';
import { CreateEventDto, EventDto, EventPageDto, ListEventsQueryDto, UpdateEventDto } from './dto/event.dto';
import { EventsService } from './events.service';

@ApiController('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @Roles('organizer')
  @ApiCreatedResponse({ type: EventDto })
  @ApiErrors({ 404: 'organizationId is not a known organization' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateEventDto): Promise<EventDto> {
    return this.events.create(user, dto);
  }

  @Get()
  @ApiOkResponse({ type: EventPageDto })
  @ApiErrors({ 403: 'organizationId is outside your subtree', 404: 'organizationId is not a known organization' })
  list(@CurrentUser() user: AuthUser, @Query() q: ListEventsQueryDto): Promise<Page<EventDto>> {
    return this.events.list(user, q);
  }

  @Get(':id')
  @ApiOkResponse({ type: EventDto })
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<EventDto> {
    return this.events.get(user, id);
  }

  @Patch(':id')
  @Roles('organizer')
  @ApiOkResponse({ type: EventDto })
  @ApiErrors({ 409: 'the event can no longer be edited, capacity is below the confirmed count, or sessions would fall outside the new times' })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdateEventDto): Promise<EventDto> {
    return this.events.update(user, id, dto);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: EventDto })
  @ApiErrors({ 409: 'the transition is not allowed from the current status' })
  publish(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<EventDto> {
    return this.events.publish(user, id);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: EventDto })
  @ApiErrors({ 409: 'the transition is not allowed from the current status' })
  complete(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<EventDto> {
    return this.events.complete(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: EventDto })
  @ApiErrors({ 409: 'the transition is not allowed from the current status' })
  cancel(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<EventDto> {
    return this.events.cancel(user, id);
  }
}
