import { Body, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { Public } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { PublicRegistrationDto, RsvpDto } from './dto/public-registration.dto';
import { PublicRegistrationsService } from './public-registrations.service';
import { RateLimit } from '../rate-limit/rate-limit.decorator';

/** The delegate's self-service; the token of the personal link is the only credential. */
@ApiController('public/registrations', 'public')
@Public()
export class PublicRegistrationsController {
  constructor(private readonly registrations: PublicRegistrationsService) {}

  @Get(':token')
  @RateLimit('tokenMisses', { counts: 'misses' })
  @ApiOkResponse({ type: PublicRegistrationDto })
  @ApiErrors({ 404: 'unknown or expired link' })
  get(@Param('token') token: string): Promise<PublicRegistrationDto> {
    return this.registrations.get(token);
  }

  @Post(':token/rsvp')
  @RateLimit('tokenMisses', { counts: 'misses' })
  @HttpCode(200)
  @ApiOkResponse({ type: PublicRegistrationDto })
  @ApiErrors({ 404: 'unknown or expired link', 409: 'answers are closed, the registration was cancelled, or the event is full' })
  rsvp(@Param('token') token: string, @Body() dto: RsvpDto): Promise<PublicRegistrationDto> {
    return this.registrations.rsvp(token, dto.accept);
  }

  @Post(':token/cancel')
  @RateLimit('tokenMisses', { counts: 'misses' })
  @HttpCode(200)
  @ApiOkResponse({ type: PublicRegistrationDto })
  @ApiErrors({ 404: 'unknown or expired link', 409: "the event's registrations can no longer be cancelled" })
  cancel(@Param('token') token: string): Promise<PublicRegistrationDto> {
    return this.registrations.cancel(token);
  }

  /** The QR code of the check-in code. (Its 200 names its media type; errors are JSON, so no @ApiProduces.) */
  @Get(':token/qr.svg')
  @RateLimit('tokenMisses', { counts: 'misses' })
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'private, max-age=3600')
  @ApiOkResponse({ description: 'the QR code as SVG', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiErrors({ 404: 'unknown or expired link' })
  qr(@Param('token') token: string): Promise<string> {
    return this.registrations.qrSvg(token);
  }

  @Get(':token/event.ics')
  @RateLimit('tokenMisses', { counts: 'misses' })
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="event.ics"')
  @ApiOkResponse({ description: 'the event as an iCalendar file', content: { 'text/calendar': { schema: { type: 'string' } } } })
  @ApiErrors({ 404: 'unknown or expired link' })
  ics(@Param('token') token: string): Promise<string> {
    return this.registrations.ics(token);
  }
}
