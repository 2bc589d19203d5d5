import { Body, Get, ParseArrayPipe, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { UuidParam } from '../http/uuid-param';
import { QuotaDto, QuotaItemDto } from './dto/quota.dto';
import { QuotasService } from './quotas.service';

// The global pipe does not validate array bodies; this one checks each item like a DTO
// (messages are prefixed with the item index, e.g. "[0] seats must be at least 0").
const quotaItems = new ParseArrayPipe({ items: QuotaItemDto, whitelist: true, forbidNonWhitelisted: true });

@ApiController('events', 'quotas')
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Get(':id/quotas')
  @ApiOkResponse({ type: [QuotaDto] })
  list(@CurrentUser() user: AuthUser, @UuidParam() eventId: string): Promise<QuotaDto[]> {
    return this.quotas.list(user, eventId);
  }

  @Put(':id/quotas')
  @Roles('organizer')
  @ApiBody({ type: [QuotaItemDto] })
  @ApiOkResponse({ type: [QuotaDto] })
  @ApiErrors({ 409: 'the event is no longer open to quota changes' })
  replace(@CurrentUser() user: AuthUser, @UuidParam() eventId: string, @Body(quotaItems) items: QuotaItemDto[]): Promise<QuotaDto[]> {
    return this.quotas.replace(user, eventId, items);
  }
}
