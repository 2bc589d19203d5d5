import { Body, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { DomainError } from '../../http/domain-errors';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { UuidParam } from '../../http/uuid-param';
import { EventsService } from '../../events/events.service';
import { InvitationPreview } from '../../invitations/invitation-preview';
import { InvitationsService } from '../../invitations/invitations.service';
import { SENDABLE_TEMPLATES, SendableTemplate, SendInvitationsDto } from '../../invitations/dto/invitation.dto';
import { OrganizationsService } from '../../organizations/organizations.service';
import { RegistrationsService } from '../../registrations/registrations.service';
import { DEFAULT_LOCALE, Locale } from '../i18n/i18n';
import { validateForm } from '../forms';
import { WebController } from '../web-controller.decorator';

const WHO = ['invited', 'notYetSent', 'unit', 'selected', 'confirmed'] as const;
type Who = (typeof WHO)[number];
const locale = (req: FastifyRequest): Locale => req.locale ?? DEFAULT_LOCALE;

/**
 * The organizer's invitations page of an event: the "send invitations" form (who, which
 * template, a preview in each language as the recipient sees it), the batches with a live
 * progress bar (invitations.js polls GET /api/v1/invitation-batches/:id), the failures with their
 * reasons and a retry button; and each registration's mail history.
 */
@WebController()
@Roles('organizer', 'admin', 'leader', 'staff')
export class InvitationPagesController {
  constructor(
    private readonly events: EventsService,
    private readonly invitations: InvitationsService,
    private readonly preview: InvitationPreview,
    private readonly registrations: RegistrationsService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get('events/:id/invitations')
  async page(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query('batch') batch: unknown, @Query('error') error: unknown, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.assertReadable(user, id);
    const loc = locale(req);
    const [batches, failures, regs, units] = await Promise.all([
      this.invitations.batches(user, id),
      this.invitations.list(user, id, { page: 1, pageSize: 100, status: 'failed' }),
      this.registrations.list(user, id, { page: 1, pageSize: 500 } as never),
      this.organizations.unitsInSubtree(event.organizationId),
    ]);
    res.view('invitations/page', {
      event: { id: event.id, slug: event.slug, title: loc === 'en' && event.titleEn ? event.titleEn : event.title, status: event.status, registrationMode: event.registrationMode },
      canSend: (user.role === 'organizer' || user.role === 'admin') && (event.status === 'draft' || event.status === 'published'),
      batches,
      current: typeof batch === 'string' ? batches.find((b) => b.id === batch)?.id ?? null : batches[0]?.id ?? null,
      failures: failures.items,
      registrations: regs.items.map((r) => ({ id: r.id, fullName: r.fullName, email: r.email, status: r.status, language: r.language })),
      units: units.map((u) => ({ id: u.id, name: u.name })),
      templates: SENDABLE_TEMPLATES,
      error: typeof error === 'string' ? error.slice(0, 300) : null,
    });
  }

  /** The mail as a recipient in `locale` sees it (shown in a sandboxed frame of the page). */
  @Get('events/:id/invitations/preview')
  @Header('Cache-Control', 'no-store')
  async previewMail(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query('template') template: unknown, @Query('locale') loc: unknown, @Res() res: FastifyReply): Promise<void> {
    const t: SendableTemplate = (SENDABLE_TEMPLATES as readonly string[]).includes(String(template)) ? (template as SendableTemplate) : 'invitation';
    const l = loc === 'en' ? 'en' : 'vi';
    const mail = await this.preview.render(user, id, t, l);
    // Its own document: no script runs in it (the frame is sandboxed), and the page's CSP still applies.
    res.header('Content-Type', 'text/html; charset=utf-8').header('Content-Security-Policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'").send(mail.html);
  }

  @Post('events/:id/invitations')
  async send(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const who: Who = (WHO as readonly string[]).includes(String(body.who)) ? (body.who as Who) : 'invited';
    const selected = ([] as unknown[]).concat(body.registrationIds ?? []).map(String).filter(Boolean);
    const fields: Record<string, unknown> = { template: String(body.template ?? 'invitation') };
    if (who === 'invited') fields.status = 'invited';
    if (who === 'confirmed') fields.status = 'confirmed';
    if (who === 'notYetSent') fields.notYetSent = true;
    if (who === 'unit') fields.organizationId = String(body.organizationId ?? '');
    if (who === 'selected') fields.registrationIds = selected;
    const { value, errors } = await validateForm(SendInvitationsDto, fields);
    const back = (q: string) => res.redirect(`/events/${id}/invitations?${q}`, 303);
    if (errors) return back(`error=${encodeURIComponent(Object.keys(errors).join(', '))}`);
    try {
      const created = await this.invitations.send(user, id, value);
      back(`batch=${created.batchId}`);
    } catch (e) {
      if (e instanceof DomainError && e.status < 500) return back(`error=${encodeURIComponent(e.message)}`);
      throw e;
    }
  }

  @Post('events/:id/invitations/:batchId/retry')
  async retry(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Param('batchId') batchId: string, @Body() body: Record<string, unknown>, @Res() res: FastifyReply): Promise<void> {
    const ids = ([] as unknown[]).concat(body.invitationIds ?? []).map(String).filter((s) => /^[0-9a-f-]{36}$/i.test(s));
    if (!/^[0-9a-f-]{36}$/i.test(batchId)) return res.redirect(`/events/${id}/invitations`, 303);
    await this.invitations.retry(user, batchId, ids);
    res.redirect(`/events/${id}/invitations?batch=${batchId}`, 303);
  }

  @Get('registrations/:id/mails')
  async history(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Res() res: FastifyReply): Promise<void> {
    const r = await this.registrations.get(user, id);
    res.view('invitations/history', { registration: { id: r.id, fullName: r.fullName, email: r.email, eventId: r.eventId }, mails: await this.invitations.mailHistory(id) });
  }
}
