import { Get, Param, Query, Render, Res } from '@nestjs/common';
import type { FastifyReply } from '../../http/request';
import { InvalidInputError } from '../../http/domain-errors';
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
    return { message: await this.messages.getForDisplay(id) };
  }

  /** An attachment of the mail (the .ics, the QR code), downloaded as the recipient would get it. */
  @Get(':id/attachments/:index')
  async attachment(@UuidParam() id: string, @Param('index') index: string, @Res() res: FastifyReply): Promise<void> {
    if (!/^[0-9]{1,3}$/.test(index)) throw new InvalidInputError('index', 'must be a number');
    const a = await this.messages.attachment(id, Number(index));
    res
      .header('Content-Type', a.contentType)
      .header('Content-Disposition', `attachment; filename="${a.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
      .header('X-Content-Type-Options', 'nosniff')
      .send(a.content);
  }
}
