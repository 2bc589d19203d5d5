import { Get, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { Roles } from '../auth/auth-user';
import { ApiController } from '../http/api-controller.decorator';
import { Page } from '../http/pagination';
import { UuidParam } from '../http/uuid-param';
import { MailMessageDetailDto, MailMessageDto, MailMessagePageDto, MailMessageQueryDto } from './dto/mail-message.dto';
import { MailMessagesService } from './mail-messages.service';

/** The mails the system wrote, for admins (same data as the /admin/outbox page). */
@ApiController('admin/mail-messages', 'admin')
@Roles('admin')
export class MailMessagesController {
  constructor(private readonly messages: MailMessagesService) {}

  @Get()
  @ApiOkResponse({ type: MailMessagePageDto, description: 'page of mail messages, newest first' })
  list(@Query() q: MailMessageQueryDto): Promise<Page<MailMessageDto>> {
    return this.messages.list(q);
  }

  @Get(':id')
  @ApiOkResponse({ type: MailMessageDetailDto })
  get(@UuidParam() id: string): Promise<MailMessageDetailDto> {
    return this.messages.get(id);
  }
}
