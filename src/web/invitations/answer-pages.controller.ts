import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Public } from '../../auth/auth-user';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { NotFoundError } from '../../http/domain-errors';
import { LinkResendService } from '../../invitations/link-resend.service';
import { PublicRegistrationsService } from '../../registrations/public-registrations.service';
import { formatSpan } from '../../registrations/registration-mails';
import { DEFAULT_LOCALE, Locale } from '../i18n/i18n';
import { WebController } from '../web-controller.decorator';
import { RateLimit } from '../../rate-limit/rate-limit.decorator';

const ANSWERS = ['accept', 'decline', 'cancel'] as const;
type Answer = (typeof ANSWERS)[number];

/** View model of invitations/answer.eta. */
interface AnswerView {
  answer: Answer;
  base: string;
  name: string;
  title: string;
  when: string;
  venue: string | null;
  status: string;
  /** Whether the answer is still possible (else the page says why and links to the registration). */
  possible: boolean;
}

const locale = (req: FastifyRequest): Locale => req.locale ?? DEFAULT_LOCALE;

/**
 * The pages the links of a mail open. A link never changes anything by being opened (mail
 * scanners and link previews open them): accept, decline and cancel each show the question with
 * one button, which posts to the delegate page's own forms (/r/:token/rsvp, /r/:token/cancel).
 * Also "lost your link?" of the public event page.
 */
@WebController()
@Public()
export class AnswerPagesController {
  constructor(
    private readonly registrations: PublicRegistrationsService,
    private readonly resends: LinkResendService,
  ) {}

  @Get('r/:token/:answer')
  @RateLimit('tokenMisses', { counts: 'misses' })
  async answer(@Param('token') token: string, @Param('answer') answer: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    if (!(ANSWERS as readonly string[]).includes(answer)) throw new NotFoundError('Page');
    const r = await this.registrations.get(token);
    const loc = locale(req);
    const open = r.event.status === 'published' || r.event.status === 'draft';
    const possible =
      open &&
      (answer === 'accept' ? r.status === 'invited' || r.status === 'declined' : answer === 'decline' ? r.status === 'invited' || r.status === 'confirmed' || r.status === 'waitlisted' : r.status !== 'cancelled');
    const view: AnswerView = {
      answer: answer as Answer,
      base: `/r/${encodeURIComponent(token)}`,
      name: r.fullName,
      title: loc === 'en' && r.event.titleEn ? r.event.titleEn : r.event.title,
      when: formatSpan(r.event.startsAt, r.event.endsAt, r.event.timezone, loc),
      venue: r.event.venue,
      status: r.status,
      possible,
    };
    res.view('invitations/answer', view);
  }

  /** "Lost your link?": the same page whatever the address; a registered one gets a mail. */
  @Post('e/:slug/lost-link')
  async lostLink(@Param('slug') slug: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const valid = email.length <= 320 && /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email);
    if (valid) await this.resends.resend(slug, email, req.ip);
    res.redirect(`/e/${encodeURIComponent(slug)}/lost-link?${valid ? 'sent=1' : 'invalid=1'}`, 303);
  }

  @Get('e/:slug/lost-link')
  lostLinkPage(@Param('slug') slug: string, @Query('sent') sent: unknown, @Query('invalid') invalid: unknown, @Res() res: FastifyReply): void {
    res.view('invitations/lost-link', { slug, sent: sent === '1', invalid: invalid === '1' });
  }
}
