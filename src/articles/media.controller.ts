import { Get, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiParam } from '@nestjs/swagger';
import { Public } from '../auth/auth-user';
import { ApiController, ApiErrors } from '../http/api-controller.decorator';
import { NotFoundError } from '../http/domain-errors';
import type { FastifyReply } from '../http/request';
import { UuidParam } from '../http/uuid-param';
import { PhotoStorage, PhotoVariant } from './photo-storage';

const FILES: Record<string, PhotoVariant> = { 'web.jpg': 'web', 'thumb.jpg': 'thumb' };

/**
 * Photo files, for everyone: published articles show them. A photo's URL holds
 * its random id and its content never changes (a new upload is a new id), so
 * browsers and proxies may keep it for a year. Under /api/v1/public/ like the
 * other files a visitor fetches without a token.
 */
@ApiController('public/photos', 'recap and articles')
@Public()
export class MediaController {
  constructor(private readonly storage: PhotoStorage) {}

  /** The web-sized copy (`web.jpg`, at most 1600 px) or the thumbnail (`thumb.jpg`, 400 px): JPEG without EXIF metadata. */
  @Get(':id/:file')
  @ApiParam({ name: 'file', enum: Object.keys(FILES) })
  @ApiOkResponse({ description: 'the photo as JPEG', content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors({ 404: 'unknown photo, or a file name other than web.jpg and thumb.jpg' })
  async photo(@UuidParam() id: string, @Param('file') file: string, @Res() res: FastifyReply): Promise<void> {
    const variant = FILES[file];
    const found = variant ? await this.storage.open(id, variant) : null;
    if (!found) throw new NotFoundError('Photo', id);
    await res
      .header('Content-Type', 'image/jpeg')
      .header('Content-Length', String(found.size))
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .header('X-Content-Type-Options', 'nosniff')
      .send(found.stream);
  }
}
