import { ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HttpExceptionFilter } from '../http/http-exception.filter';

/**
 * For page controllers: a visitor without a (valid) session is sent to the
 * login page and back afterwards, instead of a JSON 401; everything else is
 * rendered by the global filter (error.eta for browsers).
 */
@Catch()
export class WebExceptionFilter extends HttpExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException && exception.getStatus() === HttpStatus.UNAUTHORIZED) {
      const req = host.switchToHttp().getRequest<Request>();
      const res = host.switchToHttp().getResponse<Response>();
      // After a POST the page to come back to is unknown; GETs return to where they were.
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      res.redirect(303, `/login${next}`);
      return;
    }
    super.catch(exception, host);
  }
}
