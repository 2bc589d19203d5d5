import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { JobName, JobPayloads } from './jobs';

/** What a processor knows about the attempt it runs. */
export interface JobContext {
  /** BullMQ job id, `${job}-${key}` (also the outbox row's job_id). */
  jobId: string;
  /** 1 for the first try. */
  attempt: number;
  /** No retry follows if this attempt throws: record a final failure. */
  isFinalAttempt: boolean;
  /** What earlier attempts of this job recorded with remember(), or undefined. */
  remembered?: Record<string, unknown>;
  /**
   * Records facts for the later attempts of this job, in Redis with the job
   * (BullMQ progress): for a side effect outside the database that the
   * database could not record, e.g. a mail that went out just before the
   * connection was lost, so a retry records it instead of doing it again.
   */
  remember(facts: Record<string, unknown>): Promise<void>;
}

/** A job's processor: runs once per attempt, must be safe to run twice (check stored state first). */
export interface JobProcessor<J extends JobName> {
  process(payload: JobPayloads[J], ctx: JobContext): Promise<void>;
}

const ProcessesJob = DiscoveryService.createDecorator<JobName>();
export const JOB_PROCESSOR_DECORATOR = ProcessesJob;

/**
 * Marks a class as the processor of one job name. Register the class in
 * src/worker.module.ts only, so that an `api` process never consumes; the
 * queue workers route jobs to it and record the outcome on the outbox row.
 */
export function ProcessorOf(job: JobName): ClassDecorator {
  return applyDecorators(Injectable(), ProcessesJob(job));
}
