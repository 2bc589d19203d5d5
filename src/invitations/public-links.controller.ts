import { Body, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse } from '@nestjs/swagger';
import { Public } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import type { FastifyRequest } from '../http/request';
import { EmptyDto, ResendLinkDto } from './dto/invitation.dto';
import { LinkResendService } from './link-resend.service';

/** "Lost your link?" of the public event page. */
@ApiController('public/events', 'public')
@Public()
export class PublicLinksController {
  constructor(private readonly resends: LinkResendService) {}

  @Post(':slug/resend-link')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: EmptyDto, description: 'the same answer whether or not the address is registered; a registered delegate gets a mail with their current link (at most one per 15 minutes)' })
  @ApiErrors({ 404: 'unknown event (or a draft)', 429: 'more requests from this client address than RATE_LIMIT_LINK_RESEND allows (10 per 15 minutes by default); Retry-After says when to try again, `limit` is `linkResend`' })
  async resend(@Param('slug') slug: string, @Body() dto: ResendLinkDto, @Req() req: FastifyRequest): Promise<EmptyDto> {
    await this.resends.resend(slug, dto.email, req.ip);
    return {};
  }
}
