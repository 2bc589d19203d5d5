import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventDto } from '../../events/dto/event.dto';
import { RegistrationsService } from '../../registrations/registrations.service';
import type { EntryState } from '../../registrations/registration-window';
import { EventsService } from '../../events/events.service';
import type { FieldErrors } from '../forms';
import { middlewareLocals } from '../configure-web';
import { Locale, localeFromCookieHeader } from '../i18n/i18n';
import { dateTimeInZone } from '../registrations/page-format';
import { RegistrationPageQueries, UnitOption } from '../registrations/registration-page-queries';

/** View model of delegate/register-form.eta (the form on the public event page and on /e/:slug/register). */
export interface RegistrationEntryView {
  action: string;
  state: EntryState;
  /** Registration window bounds, formatted in the event's zone ('' when none). */
  opensAt: string;
  closesAt: string;
  units: UnitOption[];
  values: Record<string, string | null>;
  errors: FieldErrors;
  /** i18n key of a refusal of the whole form, and the service's own words. */
  formError: string | null;
  formErrorDetail: string | null;
}

/** Builds the registration form's view model for an event (units of the organizer's subtree). */
@Injectable()
export class RegistrationEntryBuilder {
  constructor(private readonly queries: RegistrationPageQueries) {}

  async build(
    event: EventDto,
    locale: Locale,
    extra: Partial<Pick<RegistrationEntryView, 'values' | 'errors' | 'formError' | 'formErrorDetail'>> = {},
  ): Promise<RegistrationEntryView> {
    const state = RegistrationsService.entryState(event);
    return {
      action: `/e/${encodeURIComponent(event.slug)}/register`,
      state,
      opensAt: dateTimeInZone(event.registrationOpensAt, event.timezone, locale),
      closesAt: dateTimeInZone(event.registrationClosesAt, event.timezone, locale),
      units: state === 'open' || state === 'waitlist' ? await this.queries.unitsOfSubtree(event.organizationId, locale) : [],
      values: extra.values ?? { language: locale },
      errors: extra.errors ?? {},
      formError: extra.formError ?? null,
      formErrorDetail: extra.formErrorDetail ?? null,
    };
  }
}

const PUBLIC_PAGE = /^\/e\/([^/?#]+)\/?(?:[?#]|$)/;

function safeDecode(s: string | undefined): string | null {
  if (!s) return null;
  try {
    return decodeURIComponent(s);
  } catch {
    return null; // a malformed escape: the page itself answers 404 or 400
  }
}

/**
 * Gives the public event page (/e/:slug, rendered by the events pages) what
 * its registration partial needs, as the page local `registrationEntry`: views
 * render synchronously, so the units and the window are loaded here first.
 * Nest middleware sees the raw request (before the page hook), so it reads the
 * language from the Cookie header and hands the data over through `middlewareLocals`.
 */
@Injectable()
export class RegistrationEntryMiddleware implements NestMiddleware {
  constructor(
    private readonly events: EventsService,
    private readonly builder: RegistrationEntryBuilder,
  ) {}

  async use(req: IncomingMessage & { originalUrl?: string }, _res: ServerResponse, next: (err?: unknown) => void): Promise<void> {
    try {
      const slug = req.method === 'GET' ? safeDecode(PUBLIC_PAGE.exec(req.originalUrl ?? req.url ?? '')?.[1]) : null;
      if (slug) {
        const event = await this.events.findBySlug(slug);
        if (event) middlewareLocals.set(req, { registrationEntry: await this.builder.build(event, localeFromCookieHeader(req.headers.cookie)) });
      }
      next();
    } catch (err) {
      next(err);
    }
  }
}
