import { Body, Get, HttpStatus, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from '../../http/request';
import { AuthUser, CurrentUser, Roles } from '../../auth/auth-user';
import { EventDto } from '../../events/dto/event.dto';
import { EventsService } from '../../events/events.service';
import { DomainError } from '../../http/domain-errors';
import { UuidParam } from '../../http/uuid-param';
import { OrganizationsService } from '../../organizations/organizations.service';
import { QuotaItemDto } from '../../quotas/dto/quota.dto';
import { QuotasService } from '../../quotas/quotas.service';
import { FieldErrors } from '../forms';
import { errorText } from '../i18n/error-text';
import { Locale } from '../i18n/i18n';
import { parentOptions } from '../organizations/organization-tree';
import { WebController } from '../web-controller.decorator';
import { inLanguage } from './event-view';

/** One unit of the quota table. */
interface QuotaRow {
  organizationId: string;
  label: string;
  depth: number;
  /** The seats input as shown ('' = no quota for the unit). */
  seats: string;
}

/** View model of events/quotas.eta. */
interface QuotasView {
  event: EventDto;
  title: string;
  rows: QuotaRow[];
  total: number;
  canEdit: boolean;
  errors: FieldErrors;
  formError: string | null;
  flashKey: string | null;
}

const SEATS = /^\d{1,6}$/;
const fieldName = (orgId: string) => `seats_${orgId}`;

/** Unit quotas of an event: the units of the organizer unit's subtree, each with the seats it is asked to fill. */
@WebController('events')
export class QuotaPagesController {
  constructor(
    private readonly events: EventsService,
    private readonly quotas: QuotasService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get(':id/quotas')
  async table(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const seats = new Map((await this.quotas.list(user, id)).map((q) => [q.organizationId, String(q.seats)]));
    const flashKey = (req.query as Record<string, unknown>).saved === '1' ? 'quotas.saved' : null;
    await this.render(res, user, id, req.locale ?? 'vi', seats, {}, null, flashKey);
  }

  @Post(':id/quotas')
  @Roles('organizer')
  async save(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: Record<string, unknown>, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const event = await this.events.assertManageable(user, id);
    const units = await this.unitsOf(user, event.organizationId);
    const typed = new Map<string, string>();
    const errors: FieldErrors = {};
    const items: QuotaItemDto[] = [];
    for (const u of units) {
      const raw = body[fieldName(u.id)];
      const text = typeof raw === 'string' ? raw.trim() : '';
      typed.set(u.id, text);
      if (text === '') continue;
      if (!SEATS.test(text)) errors[fieldName(u.id)] = [{ key: 'quotas.invalidSeats' }];
      else items.push({ organizationId: u.id, seats: Number(text) });
    }
    const locale: Locale = req.locale ?? 'vi';
    if (Object.keys(errors).length) return this.render(res, user, id, locale, typed, errors, null, null, HttpStatus.BAD_REQUEST);
    try {
      await this.quotas.replace(user, id, items);
      res.redirect(`/events/${id}/quotas?saved=1`, 303);
    } catch (e) {
      if (!(e instanceof DomainError) || ![400, 403, 409].includes(e.status)) throw e;
      await this.render(res, user, id, locale, typed, {}, errorText(e, locale), null, e.status);
    }
  }

  /** The organizer unit and its descendants, in tree order (quotas may go to these only). */
  private async unitsOf(user: AuthUser, rootId: string) {
    const all = await this.organizations.list(user);
    const inside = all.filter((o) => o.id === rootId || o.path.includes(rootId));
    return parentOptions(inside);
  }

  private async render(res: FastifyReply, user: AuthUser, id: string, locale: Locale, seats: Map<string, string>, errors: FieldErrors, formError: string | null, flashKey: string | null, status: number = HttpStatus.OK): Promise<void> {
    const event = await this.events.get(user, id);
    const rows = (await this.unitsOf(user, event.organizationId)).map((u) => ({ organizationId: u.id, label: u.label, depth: u.depth, seats: seats.get(u.id) ?? '' }));
    const manage = user.role === 'admin' || user.role === 'organizer';
    const view: QuotasView = {
      event,
      title: inLanguage(event.title, event.titleEn, locale)!,
      rows,
      total: rows.reduce((sum, r) => sum + (SEATS.test(r.seats) ? Number(r.seats) : 0), 0),
      canEdit: manage && (event.status === 'draft' || event.status === 'published'),
      errors,
      formError,
      flashKey,
    };
    res.status(status).view('events/quotas', view);
  }
}
