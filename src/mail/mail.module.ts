import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailMessage } from './mail-message.entity';
import { MailMessagesController } from './mail-messages.controller';
import { MailMessagesRepository } from './mail-messages.repository';
import { MailMessagesService } from './mail-messages.service';
import { MailRenderer } from './mail-renderer';
import { MailService } from './mail.service';
import { MailTransport } from './mail-transport';
import { MailRateLimit } from './mail-rate-limit';
import { PersonalLinksModule } from '../registrations/personal-links.module';

/**
 * Mail: MailService.enqueue for other domains, MailMessagesService for the
 * admin's outbox page. The `mail.send` processor is registered in
 * src/worker.module.ts (it uses MailTransport and the repository exported here).
 */
@Module({
  imports: [TypeOrmModule.forFeature([MailMessage]), PersonalLinksModule],
  controllers: [MailMessagesController],
  providers: [MailRenderer, MailService, MailMessagesService, MailMessagesRepository, MailTransport, MailRateLimit],
  exports: [MailRenderer, MailService, MailMessagesService, MailMessagesRepository, MailTransport, PersonalLinksModule],
})
export class MailModule {}
