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
  'system.ping': QUEUES.events,
};
