import { ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import { HttpExceptionFilter } from '../http/http-exception.filter';
import type { FastifyReply, FastifyRequest } from '../http/request';

/**
 * For page controllers: a visitor without a (valid) session is sent to the
 * login page and back afterwards, instead of a JSON 401; everything else is
 * rendered by the global filter (error.eta for browsers).
 */
@Catch()
export class WebExceptionFilter extends HttpExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException && exception.getStatus() === HttpStatus.UNAUTHORIZED) {
      const req = host.switchToHttp().getRequest<FastifyRequest>();
      const reply = host.switchToHttp().getResponse<FastifyReply>();
      // After a POST the page to come back to is unknown; GETs return to where they were.
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      reply.redirect(`/login${next}`, 303);
      return;
    }
    super.catch(exception, host);
  }
}
