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
