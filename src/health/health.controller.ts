import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Public } from '../auth/auth-user';
import { QUEUES } from '../queue/jobs';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(QUEUES.mail) private readonly queue: Queue,
  ) {}

  /**
   * Liveness: 200 `{status: "ok"}` without touching PostgreSQL or Redis, so an orchestrator
   * does not restart a process for a dependency's outage, and the bench has a bare limit.
   */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 `{status: "ok", info: {database, redis}}`, or 503 naming what is down. */
  @Public()
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          const client = await this.queue.getBackend().client;
          await Promise.race([client.info(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
          return indicator.up();
        } catch (err) {
          return indicator.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}
