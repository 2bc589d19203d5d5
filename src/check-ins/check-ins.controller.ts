import { Body, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from '../http/request';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { UuidParam } from '../http/uuid-param';
import { CheckInsService } from './check-ins.service';
import { CheckInResultDto, CheckInStatsDto, CreateCheckInDto } from './dto/check-in.dto';

@ApiController('events', 'check-ins')
export class EventCheckInsController {
  constructor(private readonly checkIns: CheckInsService) {}

  /** 201 for a new check-in; 200 with `duplicate: true` and the first check-in when it was already recorded. */
  @Post(':id/check-ins')
  @Roles('organizer', 'staff')
  @ApiCreatedResponse({ type: CheckInResultDto })
  @ApiOkResponse({ type: CheckInResultDto, description: 'already checked in' })
  @ApiErrors({ 404: 'unknown code, registration or session of this event', 409: 'the registration is not confirmed (its status is given), or the event is cancelled or a draft' })
  async checkIn(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() dto: CreateCheckInDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<CheckInResultDto> {
    const { created, result } = await this.checkIns.checkIn(user, id, dto);
    res.status(created ? 201 : 200);
    return result;
  }

  @Get(':id/check-ins/stats')
  @Roles('organizer', 'staff', 'leader')
  @ApiOkResponse({ type: CheckInStatsDto })
  stats(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<CheckInStatsDto> {
    return this.checkIns.stats(user, id);
  }
}

@ApiController('check-ins')
export class CheckInsController {
  constructor(private readonly checkIns: CheckInsService) {}

  /** Undo a check-in (a wrong scan). */
  @Delete(':id')
  @HttpCode(204)
  @Roles('organizer')
  @ApiNoContentResponse()
  undo(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.checkIns.undo(user, id);
  }
}
