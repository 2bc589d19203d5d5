import { Global, Module } from '@nestjs/common';
import { RateLimitInterceptor } from './rate-limit.decorator';
import { RateLimitService } from './rate-limit.service';

/** Per-address request limits in Redis (RATE_LIMIT_*), for any controller's @RateLimit(). */
@Global()
@Module({
  providers: [RateLimitService, RateLimitInterceptor],
  exports: [RateLimitService, RateLimitInterceptor],
})
export class RateLimitModule {}
