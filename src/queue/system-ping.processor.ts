import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { JobContext, JobProcessor, ProcessorOf } from './job-processor';
import { JobPayloads, PING_MAX_DELAY_MS } from './jobs';

/**
 * Diagnostic job proving the outbox → Redis → worker path: it counts its own
 * runs per job id in system_ping, so a doubled delivery is visible there.
 */
@ProcessorOf('system.ping')
export class SystemPingProcessor implements JobProcessor<'system.ping'> {
  constructor(private readonly dataSource: DataSource) {}

  async process(payload: JobPayloads['system.ping'], ctx: JobContext): Promise<void> {
    // Waits before writing, so a run that was cut short leaves no row behind.
    const delayMs = Math.min(Math.max(Number(payload.delayMs) || 0, 0), PING_MAX_DELAY_MS);
    if (delayMs > 0) await sleep(delayMs);
    await this.dataSource.query(
      `INSERT INTO system_ping (job_id, note) VALUES ($1, $2)
       ON CONFLICT (job_id) DO UPDATE SET runs = system_ping.runs + 1, last_run_at = now()`,
      [ctx.jobId, payload.note],
    );
  }
}
