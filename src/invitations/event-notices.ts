import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { EventNoticeListener, EventsService } from '../events/events.service';
import { InvitationsService, NOTICE_STATUSES } from './invitations.service';
import { Reminders } from './reminders';

/**
 * What delegates hear when their event changes, written in the event's own transaction: a change
 * notice when a published event moves or changes venue, a cancellation notice when it is cancelled
 * (as batches, so 10,000 delegates cost the change one statement), and the reminder replanned
 * whenever its start, its lead time or its status changes.
 */
@Injectable()
export class EventNotices implements EventNoticeListener, OnModuleInit {
  constructor(
    private readonly events: EventsService,
    private readonly invitations: InvitationsService,
    private readonly reminders: Reminders,
  ) {}

  onModuleInit(): void {
    this.events.setNoticeListener(this);
  }

  async published(manager: EntityManager, event: TrainingEvent): Promise<void> {
    await this.reminders.replan(manager, event.id);
  }

  async changed(manager: EntityManager, before: Pick<TrainingEvent, 'startsAt' | 'endsAt' | 'venue' | 'reminderHoursBefore' | 'status'>, after: TrainingEvent): Promise<void> {
    const moved = before.startsAt.getTime() !== after.startsAt.getTime() || before.endsAt.getTime() !== after.endsAt.getTime();
    const venueChanged = (before.venue ?? '') !== (after.venue ?? '');
    if (after.status === 'published' && (moved || venueChanged)) {
      await this.invitations.createBatch(manager, {
        eventId: after.id,
        template: 'event-changed',
        filter: { statuses: NOTICE_STATUSES },
        details: {
          ...(moved ? { startsAt: before.startsAt.toISOString(), endsAt: before.endsAt.toISOString() } : {}),
          ...(venueChanged ? { venue: before.venue } : {}),
        },
      });
    }
    if (moved || before.reminderHoursBefore !== after.reminderHoursBefore) await this.reminders.replan(manager, after.id);
  }

  async cancelled(manager: EntityManager, event: TrainingEvent): Promise<void> {
    // Only a published event had delegates who were told about it.
    if (event.publishedAt) await this.invitations.createBatch(manager, { eventId: event.id, template: 'event-cancelled', filter: { statuses: NOTICE_STATUSES } });
    await this.reminders.replan(manager, event.id);
  }
}
