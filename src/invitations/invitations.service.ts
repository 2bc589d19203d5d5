import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthUser } from '../auth/auth-user';
import { EventsService } from '../events/events.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { Page } from '../http/pagination';
import { MailMessagesRepository } from '../mail/mail-messages.repository';
import { MailService } from '../mail/mail.service';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { OutboxService } from '../queue/outbox.service';
import {
  BatchCreatedDto,
  BatchProgressDto,
  InvitationDto,
  ListInvitationsQueryDto,
  RegistrationMailDto,
  SendInvitationsDto,
} from './dto/invitation.dto';
import { BatchTemplate, InvitationBatch } from './invitation.entity';
import { InvitationsRepository, RecipientFilter } from './invitations.repository';

/** Registrations that hear about their event: everyone not cancelled or declined. */
export const NOTICE_STATUSES = ['invited', 'confirmed', 'waitlisted'];

/**
 * Invitation batches: the organizer's "send invitations" (and the automatic reminder, change and
 * cancellation notices) select their recipients in one INSERT … SELECT and leave the rendering to
 * the `invitations.fanout` job, written to the outbox in the same transaction, so that 10,000
 * recipients cost the request two statements and the batch exists exactly when its job does.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly events: EventsService,
    private readonly scope: OrganizationScopeService,
    private readonly organizations: OrganizationsService,
    private readonly outbox: OutboxService,
    private readonly mail: MailService,
    private readonly mailMessages: MailMessagesRepository,
  ) {}

  async send(user: AuthUser, eventId: string, dto: SendInvitationsDto): Promise<BatchCreatedDto> {
    // Input first (a 400 before any 404/409): an empty explicit list is a mistake, not "nobody".
    if (dto.registrationIds && !dto.registrationIds.length) throw new InvalidInputError('registrationIds', 'must not be empty; leave it out to select by status or unit');
    const event = await this.events.assertManageable(user, eventId);
    if (event.status === 'cancelled' || event.status === 'completed') {
      throw new ConflictError(`the event is ${event.status}; invitations can no longer be sent`, { eventStatus: event.status });
    }
    if (dto.organizationId) await this.scope.assertInScope(user, dto.organizationId);
    const registrationIds = dto.registrationIds ? [...new Set(dto.registrationIds)] : undefined;
    if (registrationIds && (await this.invitations.countRegistrationsOfEvent(eventId, registrationIds)) !== registrationIds.length) {
      throw new InvalidInputError('registrationIds', 'must all be registrations of this event');
    }
    const template = dto.template ?? 'invitation';
    const filter: RecipientFilter = {
      registrationIds,
      statuses: dto.status ? [dto.status] : template === 'reminder' ? ['confirmed'] : ['invited', 'confirmed'],
      organizationIds: dto.organizationId ? (await this.organizations.unitsInSubtree(dto.organizationId)).map((o) => o.id) : undefined,
      notYetSentTemplate: dto.notYetSent ? template : undefined,
    };
    return this.invitations.transaction(async (manager) => {
      const created = await this.createBatch(manager, { eventId, template, createdById: user.id, filter });
      return { batchId: created!.batchId, queued: created!.queued };
    });
  }

  /**
   * A batch inside the caller's transaction (an event change, a reminder that falls due): its
   * recipients and its fan-out job commit with the change. With `dedupKey` a second call writes
   * nothing and returns null.
   */
  async createBatch(
    manager: EntityManager,
    b: { eventId: string; template: BatchTemplate; createdById?: string | null; filter: RecipientFilter; dedupKey?: string; details?: InvitationBatch['details'] },
  ): Promise<{ batchId: string; queued: number } | null> {
    const batchId = await this.invitations.createBatch(manager, { eventId: b.eventId, template: b.template, createdById: b.createdById ?? null, dedupKey: b.dedupKey, details: b.details });
    if (!batchId) return null;
    const queued = await this.invitations.selectRecipients(manager, batchId, b.eventId, b.filter);
    if (queued > 0) await this.outbox.add(manager, 'invitations.fanout', { batchId }, { key: batchId });
    return { batchId, queued };
  }

  async progress(user: AuthUser, batchId: string): Promise<BatchProgressDto> {
    const batch = await this.mustSeeBatch(user, batchId);
    return this.progressOf(batch);
  }

  async list(user: AuthUser, eventId: string, q: ListInvitationsQueryDto): Promise<Page<InvitationDto>> {
    await this.events.assertReadable(user, eventId);
    const [rows, total] = await this.invitations.list({ eventId, batchId: q.batchId, status: q.status, page: q.page, pageSize: q.pageSize });
    return { items: rows.map((r) => ({ ...r, attempts: Number(r.attempts) })), total, page: q.page, pageSize: q.pageSize };
  }

  /** Failed mails of a batch back into the queue (all of them, or these invitations). */
  async retry(user: AuthUser, batchId: string, invitationIds?: string[]): Promise<number> {
    const batch = await this.mustSeeBatch(user, batchId);
    await this.events.assertManageable(user, batch.eventId);
    const ids = await this.invitations.failedMessageIds(batchId, invitationIds?.length ? invitationIds : undefined);
    if (!ids.length) return 0;
    return (await this.invitations.transaction((manager) => this.mail.retry(manager, ids))).length;
  }

  /** The batches of an event, newest first, with their progress (the invitations page). */
  async batches(user: AuthUser, eventId: string): Promise<BatchProgressDto[]> {
    await this.events.assertReadable(user, eventId);
    return Promise.all((await this.invitations.batchesOf(eventId)).map((b) => this.progressOf(b)));
  }

  /** A registration's mails, newest first; the caller has checked that the user may see it. */
  async mailHistory(registrationId: string): Promise<RegistrationMailDto[]> {
    return (await this.mailMessages.findByRegistration(registrationId)).map((m) => ({
      id: m.id,
      kind: m.kind,
      subject: m.subject,
      to: m.toAddress,
      locale: m.locale,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      createdAt: m.createdAt,
      sentAt: m.sentAt,
    }));
  }

  private async progressOf(batch: InvitationBatch): Promise<BatchProgressDto> {
    const c = await this.invitations.counts(batch.id);
    const finished = c.sent + c.failed;
    return {
      id: batch.id,
      eventId: batch.eventId,
      template: batch.template,
      ...c,
      percent: c.total ? Math.floor((finished * 100) / c.total) : 100,
      done: finished === c.total,
      createdAt: batch.createdAt,
    };
  }

  private async mustSeeBatch(user: AuthUser, batchId: string): Promise<InvitationBatch> {
    const batch = await this.invitations.findBatch(batchId);
    if (!batch) throw new NotFoundError('Invitation batch', batchId);
    await this.events.assertReadable(user, batch.eventId);
    return batch;
  }
}
