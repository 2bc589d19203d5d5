import { Module } from '@nestjs/common';

/**
 * The BullMQ processors, and nothing else: imported only when APP_ROLE is
 * `worker` or `all`, so an `api` process never consumes jobs.
 */
@Module({
  imports: [],
  providers: [],
})
export class WorkerModule {}
