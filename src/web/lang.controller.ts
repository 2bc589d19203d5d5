import { Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from '../http/request';
import { Public } from '../auth/auth-user';
import { isLocale, LANG_COOKIE } from './i18n/i18n';
import { safeNext } from './session-cookies';
import { WebController } from './web-controller.decorator';

/** @fastify/cookie's maxAge is in seconds. */
const ONE_YEAR_S = 365 * 24 * 60 * 60;

@WebController('lang')
export class LangController {
  /** The `Tiếng Việt | English` switch: remembers the choice in this browser and returns to the page. */
  @Public()
  @Get(':locale')
  switch(@Param('locale') locale: string, @Query('next') next: unknown, @Res() res: FastifyReply): void {
    if (!isLocale(locale)) throw new NotFoundException(`unknown language ${locale}; use vi or en`);
    res.setCookie(LANG_COOKIE, locale, { maxAge: ONE_YEAR_S, sameSite: 'lax', httpOnly: true, path: '/' });
    res.redirect(safeNext(next), 303);
  }
}
