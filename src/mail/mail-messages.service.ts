import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../http/domain-errors';
import { Page } from '../http/pagination';
import { MailMessageDetailDto, MailMessageDto } from './dto/mail-message.dto';
import { MailStatus } from './mail-message.entity';
import { MailMessagesRepository } from './mail-messages.repository';
import { attachmentContent } from './mail-transport';

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

  /** The mail as its recipient sees it: inline parts (`cid:`) shown as data URLs, for the outbox page. */
  async getForDisplay(id: string): Promise<MailMessageDetailDto> {
    const m = await this.messages.findById(id);
    if (!m) throw new NotFoundError('Mail message', id);
    const dto = MailMessageDetailDto.from(m);
    let html = dto.html;
    for (const a of m.attachments ?? []) {
      if (!a.cid || !/^image\/(png|jpeg|gif)$/.test(a.contentType)) continue;
      const data = `data:${a.contentType};base64,${(await attachmentContent(a)).toString('base64')}`;
      html = html.split(`cid:${a.cid}`).join(data);
    }
    return { ...dto, html };
  }

  /** One attachment's bytes (the QR code drawn now), for the outbox page's download links. */
  async attachment(id: string, index: number): Promise<{ filename: string; contentType: string; content: Buffer }> {
    const m = await this.messages.findById(id);
    const a = m?.attachments?.[index];
    if (!m || !a) throw new NotFoundError('Attachment');
    return { filename: a.filename, contentType: a.contentType, content: await attachmentContent(a) };
  }
}
