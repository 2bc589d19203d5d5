import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { runInTransaction } from '../database/transaction';
import { TrainingEvent } from '../events/event.entity';
import { EventsService } from '../events/events.service';
import { JobContext, JobProcessor, ProcessorOf } from '../queue/job-processor';
import { JobPayloads, QUEUES } from '../queue/jobs';
import { JOB_OPTIONS } from '../queue/outbox-relay';
import { OutboxService } from '../queue/outbox.service';
import { EventReminder } from './invitation.entity';
import { InvitationsService } from './invitations.service';

/** The reminder job an event should have now, or null (not published, or already started). */
export function plannedReminder(event: Pick<TrainingEvent, 'id' | 'status' | 'startsAt' | 'reminderHoursBefore'>, now = Date.now()): { jobId: string; runAt: Date; payload: JobPayloads['reminders.fire'] } | null {
  if (event.status !== 'published' || event.startsAt.getTime() <= now) return null;
  const runAt = new Date(event.startsAt.getTime() - event.reminderHoursBefore * 3_600_000);
  const startsAt = event.startsAt.toISOString();
  // The id names the start and the lead time it was planned for: a moved event gets another job.
  return { jobId: `reminders.fire-${event.id}-${event.startsAt.getTime()}-${event.reminderHoursBefore}`, runAt, payload: { eventId: event.id, startsAt, hoursBefore: event.reminderHoursBefore } };
}

/** Serializes the changes of one event's reminder plan (planning it, putting back a job Redis lost). */
export async function lockReminderOf(manager: EntityManager, eventId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('td-reminder-' || $1))`, [eventId]);
}

/** Asks for the reminder of an event to be planned again, inside the transaction that changed it. */
@Injectable()
export class Reminders {
  constructor(private readonly outbox: OutboxService) {}

  /** No key: every change plans anew from the state it committed (a dedup key would swallow a move back). */
  replan(manager: EntityManager, eventId: string): Promise<void> {
    return this.outbox.add(manager, 'reminders.plan', { eventId });
  }
}

/**
 * `reminders.plan`: makes the BullMQ delayed job `reminders.fire` match the event's stored state.
 * The planned job is kept in event_reminder; planning again (the event moved, its lead time
 * changed, it was cancelled) removes that job and adds the new one, under the row's lock so two
 * plans of one event serialize. Nothing is kept in process memory: the delayed job lives in Redis.
 */
@ProcessorOf('reminders.plan')
export class ReminderPlanProcessor implements JobProcessor<'reminders.plan'> {
  private readonly logger = new Logger(ReminderPlanProcessor.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    @InjectQueue(QUEUES.events) private readonly queue: Queue,
    @Inject(JOB_OPTIONS) private readonly jobOptions: JobsOptions,
  ) {}

  async process({ eventId }: JobPayloads['reminders.plan'], _ctx: JobContext): Promise<void> {
    await runInTransaction(this.dataSource.manager, async (manager) => {
      await lockReminderOf(manager, eventId);
      const event = await this.events.findById(eventId, manager);
      const current = await manager.findOneBy(EventReminder, { eventId });
      const wanted = event ? plannedReminder(event) : null;
      if (current && current.jobId === wanted?.jobId) return;
      if (current) {
        // A job already running (or done) cannot be removed; it finds the event moved and does nothing.
        await this.queue.remove(current.jobId).catch((err: unknown) => this.logger.warn(`removing ${current.jobId}: ${(err as Error).message}`));
        await manager.delete(EventReminder, { eventId });
      }
      if (!wanted || !event) return;
      await this.queue.add('reminders.fire', wanted.payload, { ...this.jobOptions, jobId: wanted.jobId, delay: Math.max(0, wanted.runAt.getTime() - Date.now()) });
      await manager.insert(EventReminder, { eventId, jobId: wanted.jobId, runAt: wanted.runAt });
    });
  }
}

/**
 * `reminders.fire`: the reminder falls due. It checks the stored event first: moved (another start),
 * lead time changed, cancelled or no longer published, it does nothing. Otherwise one reminder batch
 * to the confirmed registrations, keyed by the job id, so a second run writes nothing.
 */
@ProcessorOf('reminders.fire')
export class ReminderFireProcessor implements JobProcessor<'reminders.fire'> {
  private readonly logger = new Logger(ReminderFireProcessor.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly invitations: InvitationsService,
  ) {}

  async process(p: JobPayloads['reminders.fire'], ctx: JobContext): Promise<void> {
    const event = await this.events.findById(p.eventId);
    if (!event || event.status !== 'published' || event.startsAt.toISOString() !== p.startsAt || event.reminderHoursBefore !== p.hoursBefore) {
      this.logger.log(`${ctx.jobId}: the event moved, changed its reminder or is no longer published; no reminder`);
      return;
    }
    await runInTransaction(this.dataSource.manager, (manager) =>
      this.invitations.createBatch(manager, { eventId: event.id, template: 'reminder', filter: { statuses: ['confirmed'] }, dedupKey: ctx.jobId }),
    );
  }
}
