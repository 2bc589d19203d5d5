import { Body, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Public, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { Page } from '../http/pagination';
import { UploadedFile } from '../http/uploaded-file';
import { UuidParam } from '../http/uuid-param';
import {
  CreatedRegistrationDto,
  CreateRegistrationDto,
  ImportResultDto,
  ListRegistrationsQueryDto,
  RegistrationDto,
  RegistrationPageDto,
  UpdateRegistrationDto,
} from './dto/registration.dto';
import { RegistrationImportService, UploadedImportFile } from './registration-import.service';
import { RegistrationsService } from './registrations.service';
import { RateLimit } from '../rate-limit/rate-limit.decorator';

/** Largest import file accepted (a 20,000-row XLSX is well below). */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

@ApiController('events', 'registrations')
export class EventRegistrationsController {
  constructor(
    private readonly registrations: RegistrationsService,
    private readonly imports: RegistrationImportService,
  ) {}

  /** Self-registration without a token; with an organizer's token, anyone on any non-cancelled event. */
  @Post(':id/registrations')
  @Public()
  @RateLimit('registration', { counts: 'every', anonymousOnly: true })
  @ApiCreatedResponse({ type: CreatedRegistrationDto })
  @ApiErrors({
    400: 'invalid input: one message per field',
    401: 'a token was sent and is invalid or expired',
    403: 'without a token: only delegates, on an open event; with one: the event is outside your subtree',
    404: 'unknown event (or a draft, without a token)',
    409: 'the event is full without a waiting list, not open for registration, or the e-mail is already registered',
  })
  register(@CurrentUser() user: AuthUser | undefined, @UuidParam() id: string, @Body() dto: CreateRegistrationDto): Promise<CreatedRegistrationDto> {
    return this.registrations.register(user, id, dto);
  }

  @Post(':id/registrations/import')
  @Roles('organizer')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: ImportResultDto })
  @ApiErrors({ 409: 'the event is cancelled, or full for the delegates of the file', 413: 'the file is larger than 10 MB', 422: 'rows that cannot be imported: every one, and nothing imported' })
  import(@CurrentUser() user: AuthUser, @UuidParam() id: string, @UploadedFile('file', IMPORT_MAX_BYTES) file: UploadedImportFile | undefined): Promise<ImportResultDto> {
    return this.imports.import(user, id, file);
  }

  @Get(':id/registrations')
  @ApiOkResponse({ type: RegistrationPageDto })
  list(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Query() q: ListRegistrationsQueryDto): Promise<Page<RegistrationDto>> {
    return this.registrations.list(user, id, q);
  }
}

@ApiController('registrations')
export class RegistrationsController {
  constructor(private readonly registrations: RegistrationsService) {}

  @Get(':id')
  @ApiOkResponse({ type: RegistrationDto })
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<RegistrationDto> {
    return this.registrations.get(user, id);
  }

  @Patch(':id')
  @Roles('organizer')
  @ApiOkResponse({ type: RegistrationDto })
  @ApiErrors({ 409: 'the e-mail is already registered for the event' })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdateRegistrationDto): Promise<RegistrationDto> {
    return this.registrations.update(user, id, dto);
  }

  /** Revokes the personal link: the old one stops working at once, the delegate is mailed the new one. */
  @Post(':id/revoke-link')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: RegistrationDto })
  revokeLink(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<RegistrationDto> {
    return this.registrations.revokeLink(user, id);
  }

  /** Frees the seat; the first waiting delegate is confirmed and notified in the same transaction. */
  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('organizer')
  @ApiOkResponse({ type: RegistrationDto })
  @ApiErrors({ 409: "the event's registrations can no longer be cancelled" })
  cancel(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<RegistrationDto> {
    return this.registrations.cancel(user, id);
  }
}
