import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../http/domain-errors';
import { Page } from '../http/pagination';
import { MailMessageDetailDto, MailMessageDto } from './dto/mail-message.dto';
import { MailStatus } from './mail-message.entity';
import { MailMessagesRepository } from './mail-messages.repository';

/** Reading the mails that went out or are kept locally (admin's /admin/outbox page and JSON API). */
@Injectable()
export class MailMessagesService {
  constructor(private readonly messages: MailMessagesRepository) {}

  /** Newest first. */
  async list(q: { page: number; pageSize: number; status?: MailStatus }): Promise<Page<MailMessageDto>> {
    const page = Math.max(1, Math.floor(q.page) || 1);
    const pageSize = Math.min(500, Math.max(1, Math.floor(q.pageSize) || 50));
    const [rows, total] = await this.messages.findPage(page, pageSize, q.status);
    return { items: rows.map(MailMessageDto.from), total, page, pageSize };
  }

  async get(id: string): Promise<MailMessageDetailDto> {
    const m = await this.messages.findById(id);
    if (!m) throw new NotFoundError('Mail message', id);
    return MailMessageDetailDto.from(m);
  }
}
