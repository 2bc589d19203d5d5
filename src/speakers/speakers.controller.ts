import { Body, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { Page } from '../http/pagination';
import { UuidParam } from '../http/uuid-param';
import { CreateSpeakerDto, ListSpeakersQueryDto, SpeakerDto, SpeakerPageDto, UpdateSpeakerDto } from './dto/speaker.dto';
import { SpeakersService } from './speakers.service';

@ApiController('speakers')
export class SpeakersController {
  constructor(private readonly speakers: SpeakersService) {}

  @Post()
  @Roles('organizer')
  @ApiCreatedResponse({ type: SpeakerDto })
  @ApiErrors({ 404: 'organizationId is not a known organization' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateSpeakerDto): Promise<SpeakerDto> {
    return this.speakers.create(user, dto);
  }

  @Get()
  @ApiOkResponse({ type: SpeakerPageDto })
  list(@CurrentUser() user: AuthUser, @Query() q: ListSpeakersQueryDto): Promise<Page<SpeakerDto>> {
    return this.speakers.list(user, q);
  }

  @Get(':id')
  @ApiOkResponse({ type: SpeakerDto })
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<SpeakerDto> {
    return this.speakers.get(user, id);
  }

  @Patch(':id')
  @Roles('organizer')
  @ApiOkResponse({ type: SpeakerDto })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdateSpeakerDto): Promise<SpeakerDto> {
    return this.speakers.update(user, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('organizer')
  @ApiNoContentResponse()
  @ApiErrors({ 409: 'the speaker is on the agenda of some sessions; remove them from those sessions first' })
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.speakers.remove(user, id);
  }
}
