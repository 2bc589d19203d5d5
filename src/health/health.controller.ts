import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 `{status: "ok", info: {database, redis}}`, or 503 naming what is down. */
  @Public()
  @Get()
  // Terminus documents its own 503 body; the error filter adds statusCode to it. (Above @HealthCheck(), so applied after it.)
  @ApiServiceUnavailableResponse({
    description: 'a dependency is down (named under error)',
    schema: {
      type: 'object',
      required: ['status'],
      properties: {
        statusCode: { type: 'integer', example: 503 },
        status: { type: 'string', enum: ['error'] },
        info: { type: 'object', nullable: true, additionalProperties: true },
        error: { type: 'object', nullable: true, additionalProperties: true },
        details: { type: 'object', additionalProperties: true },
      },
    },
  })
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        let timer: NodeJS.Timeout | undefined;
        try {
          const client = await this.queue.getBackend().client;
          const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000);
          });
          await Promise.race([client.info(), timeout]);
          return indicator.up();
        } catch (err) {
          return indicator.down({ message: (err as Error).message });
        } finally {
          // A pending timer would keep a stopping process (and jest) alive for 2 s.
          clearTimeout(timer);
        }
      },
    ]);
  }
}
