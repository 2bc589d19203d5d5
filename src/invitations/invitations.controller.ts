import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { Page } from '../http/pagination';
import { UuidParam } from '../http/uuid-param';
import { RegistrationsService } from '../registrations/registrations.service';
import {
  BatchCreatedDto,
  BatchProgressDto,
  InvitationDto,
  InvitationPageDto,
  ListInvitationsQueryDto,
  RegistrationMailDto,
  RetriedDto,
  RetryInvitationsDto,
  SendInvitationsDto,
} from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';

@ApiController('events', 'invitations')
export class EventInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  /** Selects the recipients (one statement) and queues their mails through a job: 202 at once, whatever their number. */
  @Post(':id/invitations')
  @HttpCode(202)
  @Roles('organizer')
  @ApiAcceptedResponse({ type: BatchCreatedDto, description: 'the batch: follow it at GET /invitation-batches/{batchId}' })
  @ApiErrors({ 400: 'invalid input (one message per field), or registrationIds that are not registrations of this event', 409: 'the event is cancelled or completed' })
  send(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: SendInvitationsDto): Promise<BatchCreatedDto> {
    return this.invitations.send(user, id, dto);
  }

  /** Every recipient of the event's batches, newest first, with its delivery status. */
  @Get(':id/invitations')
  @ApiOkResponse({ type: InvitationPageDto })
  list(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: ListInvitationsQueryDto): Promise<Page<InvitationDto>> {
    return this.invitations.list(user, id, q);
  }

  /** The event's batches (newest 20) with their progress. */
  @Get(':id/invitation-batches')
  @ApiOkResponse({ type: [BatchProgressDto] })
  batches(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<BatchProgressDto[]> {
    return this.invitations.batches(user, id);
  }
}

@ApiController('invitation-batches', 'invitations')
export class InvitationBatchesController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get(':id')
  @ApiOkResponse({ type: BatchProgressDto })
  progress(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<BatchProgressDto> {
    return this.invitations.progress(user, id);
  }

  /** Failed mails of the batch (all, or the given invitations) go back into the queue; sent ones are never sent again. */
  @Post(':id/retry')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: RetriedDto })
  async retry(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: RetryInvitationsDto): Promise<RetriedDto> {
    return { retried: await this.invitations.retry(user, id, dto.invitationIds) };
  }
}

@ApiController('registrations', 'invitations')
export class RegistrationMailsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly registrations: RegistrationsService,
  ) {}

  /** The registration's mail history, newest first (at most 200). */
  @Get(':id/mails')
  @ApiOkResponse({ type: [RegistrationMailDto] })
  async mails(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<RegistrationMailDto[]> {
    await this.registrations.get(user, id);
    return this.invitations.mailHistory(id);
  }
}
