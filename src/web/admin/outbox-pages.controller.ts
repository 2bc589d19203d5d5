import { Get, Query, Render } from '@nestjs/common';
import { Roles } from '../../auth/auth-user';
import { UuidParam } from '../../http/uuid-param';
import { MailMessageDetailDto, MailMessageDto, MailMessageQueryDto } from '../../mail/dto/mail-message.dto';
import { MAIL_STATUSES, MailStatus } from '../../mail/mail-message.entity';
import { MailMessagesService } from '../../mail/mail-messages.service';
import { WebController } from '../web-controller.decorator';

/** View model of admin/outbox.eta. */
interface OutboxView {
  items: MailMessageDto[];
  page: number;
  pages: number;
  total: number;
  status: MailStatus | null;
  statuses: MailStatus[];
}

const PAGE_SIZE = 50;

/** The local mail outbox (design.md: without SMTP_URL mail is kept for the admin to read). */
@WebController('admin/outbox')
@Roles('admin')
export class OutboxPagesController {
  constructor(private readonly messages: MailMessagesService) {}

  @Get()
  @Render('admin/outbox')
  async list(@Query() q: MailMessageQueryDto): Promise<OutboxView> {
    const page = await this.messages.list({ page: q.page, pageSize: PAGE_SIZE, status: q.status });
    return {
      items: page.items,
      page: page.page,
      pages: Math.max(1, Math.ceil(page.total / PAGE_SIZE)),
      total: page.total,
      status: q.status ?? null,
      statuses: MAIL_STATUSES,
    };
  }

  @Get(':id')
  @Render('admin/outbox-message')
  async message(@UuidParam() id: string): Promise<{ message: MailMessageDetailDto }> {
    return { message: await this.messages.get(id) };
  }
}
