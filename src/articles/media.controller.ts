import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth-user';
import { NotFoundError } from '../http/domain-errors';
import type { FastifyReply } from '../http/request';
import { UuidParam } from '../http/uuid-param';
import { PhotoStorage, PhotoVariant } from './photo-storage';

const FILES: Record<string, PhotoVariant> = { 'web.jpg': 'web', 'thumb.jpg': 'thumb' };

/**
 * Photo files, for everyone: published articles show them. A photo's URL holds
 * its random id and its content never changes (a new upload is a new id), so
 * browsers and proxies may keep it for a year.
 */
@ApiExcludeController()
@Public()
@Controller('media/photos')
export class MediaController {
  constructor(private readonly storage: PhotoStorage) {}

  @Get(':id/:file')
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
