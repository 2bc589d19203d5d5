import { Body, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { UuidParam } from '../http/uuid-param';
import { CreateSessionDto, SessionDto, UpdateSessionDto } from './dto/session.dto';
import { SessionsService } from './sessions.service';

/** Agenda routes live under /events/:id/sessions (by event) and /sessions/:id (by session). */
@ApiController('', 'sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('events/:id/sessions')
  @Roles('organizer')
  @ApiCreatedResponse({ type: SessionDto })
  @ApiErrors({ 409: 'a speaker is already in an overlapping session (named in the message), or the agenda can no longer change' })
  create(@CurrentUser() user: AuthUser, @UuidParam() eventId: string, @Body() dto: CreateSessionDto): Promise<SessionDto> {
    return this.sessions.create(user, eventId, dto);
  }

  @Get('events/:id/sessions')
  @ApiOkResponse({ type: [SessionDto] })
  list(@CurrentUser() user: AuthUser, @UuidParam() eventId: string): Promise<SessionDto[]> {
    return this.sessions.listForEvent(user, eventId);
  }

  @Patch('sessions/:id')
  @Roles('organizer')
  @ApiOkResponse({ type: SessionDto })
  @ApiErrors({ 409: 'a speaker is already in an overlapping session (named in the message), or the agenda can no longer change' })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdateSessionDto): Promise<SessionDto> {
    return this.sessions.update(user, id, dto);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Roles('organizer')
  @ApiNoContentResponse()
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.sessions.remove(user, id);
  }
}
