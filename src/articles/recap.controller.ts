import { Body, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { UuidParam } from '../http/uuid-param';
import { ArticleGenerationService } from './article-generation.service';
import { ArticlesService } from './articles.service';
import { ArticleDto, GenerateArticleDto } from './dto/article.dto';
import { PhotoCreatedDto, PhotoUploadDto, RecapDto, RecapInputDto } from './dto/recap.dto';
import { PHOTO_MAX_BYTES } from './photo-storage';
import { PhotoUpload, PhotoUploadParam } from './photo-upload';
import { RecapService } from './recap.service';

@ApiController('events', 'recap and articles')
export class EventRecapController {
  constructor(
    private readonly recaps: RecapService,
    private readonly generation: ArticleGenerationService,
    private readonly articles: ArticlesService,
  ) {}

  @Get(':id/recap')
  @Roles('organizer', 'leader')
  @ApiOkResponse({ type: RecapDto })
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<RecapDto> {
    return this.recaps.get(user, id);
  }

  /** Replaces the recap; a field left out is emptied. */
  @Put(':id/recap')
  @Roles('organizer')
  @ApiOkResponse({ type: RecapDto })
  @ApiErrors({ 409: 'the event is a draft or cancelled' })
  put(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: RecapInputDto): Promise<RecapDto> {
    return this.recaps.put(user, id, dto);
  }

  /** One photo with its caption; its content must be a JPEG, PNG or WebP image. The stored copies carry no EXIF metadata. */
  @Post(':id/photos')
  @Roles('organizer')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: PhotoUploadDto })
  @ApiCreatedResponse({ type: PhotoCreatedDto })
  @ApiErrors({ 400: 'no file, a file that is not a JPEG, PNG or WebP image, or a missing caption (the message names the field)', 409: 'the event is a draft or cancelled', 413: 'the file is larger than 15 MB' })
  addPhoto(@CurrentUser() user: AuthUser, @UuidParam() id: string, @PhotoUploadParam(PHOTO_MAX_BYTES) upload: PhotoUpload): Promise<PhotoCreatedDto> {
    return this.recaps.addPhoto(user, id, upload);
  }

  /** Queues the generation of the event's article in one language (the answer's status is `generating`). */
  @Post(':id/articles')
  @HttpCode(202)
  @Roles('organizer')
  @ApiAcceptedResponse({ type: ArticleDto })
  @ApiErrors({ 409: 'the event is a draft or cancelled; the article is published (unpublish it first); or it was edited and overwriteEdits is not true' })
  async generate(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: GenerateArticleDto): Promise<ArticleDto> {
    return this.articles.toDto(await this.generation.request(user, id, dto));
  }
}

@ApiController('photos', 'recap and articles')
export class PhotosController {
  constructor(private readonly recaps: RecapService) {}

  /** Deletes the photo, its files, and its place in the event's articles. */
  @Delete(':id')
  @HttpCode(204)
  @Roles('organizer')
  @ApiNoContentResponse()
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.recaps.deletePhoto(user, id);
  }
}
