import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Not, In, Repository } from 'typeorm';
import { MailMessage, MailStatus } from './mail-message.entity';

/** A mail_message row to insert (the columns with defaults are left out). */
export type NewMailMessage = Omit<MailMessage, 'createdAt' | 'sentAt' | 'status' | 'attempts' | 'lastError' | 'transport' | 'messageId'>;

@Injectable()
export class MailMessagesRepository {
  constructor(@InjectRepository(MailMessage) private readonly repo: Repository<MailMessage>) {}

  async insert(manager: EntityManager, message: NewMailMessage): Promise<void> {
    await manager.insert(MailMessage, message);
  }

  /** One INSERT for a batch of mails. */
  async insertMany(manager: EntityManager, messages: NewMailMessage[]): Promise<void> {
    if (messages.length) await manager.insert(MailMessage, messages);
  }

  findById(id: string): Promise<MailMessage | null> {
    return this.repo.findOneBy({ id });
  }

  /** Newest first; without the bodies, which a list does not show. */
  findPage(page: number, pageSize: number, status?: MailStatus): Promise<[MailMessage[], number]> {
    return this.repo.findAndCount({
      where: status ? { status } : {},
      select: {
        id: true, toAddress: true, toName: true, template: true, locale: true, subject: true, registrationId: true,
        kind: true, status: true, attempts: true, lastError: true, transport: true, messageId: true, createdAt: true, sentAt: true,
      },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }

  /** Delivered (or kept locally) on this attempt; a row already delivered is left alone. */
  async markDelivered(id: string, fields: { status: 'sent' | 'stored'; transport: 'smtp' | 'local'; messageId: string | null; attempts: number }): Promise<void> {
    await this.repo.update({ id, status: Not(In(['sent', 'stored'])) }, { ...fields, lastError: null, sentAt: new Date() });
  }

  async recordFailure(id: string, attempts: number, error: string, final: boolean): Promise<void> {
    await this.repo.update(
      { id, status: Not(In(['sent', 'stored'])) },
      { attempts, lastError: error.slice(0, 4000), status: final ? 'failed' : 'queued' },
    );
  }
}
