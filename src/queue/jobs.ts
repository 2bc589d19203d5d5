/**
 * Queue and job names, and their payloads: the one place they are declared.
 * These strings are stored in Redis and in the outbox table — renaming one
 * strands the jobs already queued under the old name.
 */
export const QUEUES = {
  mail: 'mail',
  events: 'events',
  articles: 'articles',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Every job: its queue and its payload type. Payloads carry ids, never entities. */
export interface JobPayloads {
  /** Send one stored mail message (mail_message row) through the transport. */
  'mail.send': { messageId: string };
  /** Render and queue the mails of an invitation batch whose recipients are selected (invitation rows). */
  'invitations.fanout': { batchId: string };
  /** Plan (or move, or drop) the reminder of an event from its stored state: a BullMQ delayed `reminders.fire`. */
  'reminders.plan': { eventId: string };
  /** The reminder of an event falls due; does nothing unless the event still starts at `startsAt` and is published. */
  'reminders.fire': { eventId: string; startsAt: string; hoursBefore: number };
  /**
   * Write the article about an event in one language. With articleId: that article's generation
   * `generation` (a newer request makes this one stale). Without: the draft queued when the event was
   * completed, written only if the event has no article in that language yet.
   */
  'article.generate': { eventId: string; language: 'vi' | 'en'; articleId?: string; generation?: number };
  /** Test/diagnostic job used to prove the outbox path end to end. */
  'system.ping': {
    note: string;
    /** Optional: wait this long (ms, capped at PING_MAX_DELAY_MS) before recording the run, to exercise a slow job (e.g. graceful shutdown). */
    delayMs?: number;
  };
}
export type JobName = keyof JobPayloads;

/** Upper bound of system.ping's `delayMs`: a diagnostic job must never hold a worker slot for long. */
export const PING_MAX_DELAY_MS = 5000;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  'mail.send': QUEUES.mail,
  'invitations.fanout': QUEUES.events,
  'reminders.plan': QUEUES.events,
  'reminders.fire': QUEUES.events,
  'system.ping': QUEUES.events,
  'article.generate': QUEUES.articles,
};
