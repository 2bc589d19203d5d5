import { Body, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { Public } from '../auth/auth-user';
import { ApiController } from '../http/api-controller.decorator';
import { PublicRegistrationDto, RsvpDto } from './dto/public-registration.dto';
import { PublicRegistrationsService } from './public-registrations.service';

/** The delegate's self-service; the token of the personal link is the only credential. */
@ApiController('public/registrations', 'public')
@Public()
export class PublicRegistrationsController {
  constructor(private readonly registrations: PublicRegistrationsService) {}

  @Get(':token')
  @ApiOkResponse({ type: PublicRegistrationDto })
  get(@Param('token') token: string): Promise<PublicRegistrationDto> {
    return this.registrations.get(token);
  }

  @Post(':token/rsvp')
  @HttpCode(200)
  @ApiOkResponse({ type: PublicRegistrationDto })
  rsvp(@Param('token') token: string, @Body() dto: RsvpDto): Promise<PublicRegistrationDto> {
    return this.registrations.rsvp(token, dto.accept);
  }

  @Post(':token/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: PublicRegistrationDto })
  cancel(@Param('token') token: string): Promise<PublicRegistrationDto> {
    return this.registrations.cancel(token);
  }

  /** The QR code of the check-in code. */
  @Get(':token/qr.svg')
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'private, max-age=3600')
  @ApiProduces('image/svg+xml')
  qr(@Param('token') token: string): Promise<string> {
    return this.registrations.qrSvg(token);
  }

  @Get(':token/event.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="event.ics"')
  @ApiProduces('text/calendar')
  ics(@Param('token') token: string): Promise<string> {
    return this.registrations.ics(token);
  }
}
