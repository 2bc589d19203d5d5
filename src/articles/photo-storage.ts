import { Inject, Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type Sharp from 'sharp';
import { APP_CONFIG, AppConfig } from '../config/config';
import { InvalidInputError } from '../http/domain-errors';

/**
 * sharp (libvips) is loaded on the first photo, not at start: it adds ~18 MB to every process, and
 * most never touch a photo (the check-in and registration replicas).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sharp: typeof Sharp = ((...args: Parameters<typeof Sharp>) => (require('sharp') as typeof Sharp)(...args)) as typeof Sharp;

/** Largest photo accepted: a phone's full-size JPEG is 3 to 12 MB. */
export const PHOTO_MAX_BYTES = 15 * 1024 * 1024;
/** Longer side of the web copy, and of the thumbnail. */
export const WEB_SIZE = 1600;
export const THUMB_SIZE = 400;
/** Decoding bound (pixels): a small file must not expand into gigabytes (a "decompression bomb"). */
const MAX_INPUT_PIXELS = 80_000_000;

export type PhotoVariant = 'web' | 'thumb';

/** What the first bytes say the file is: the name and the declared type are not trusted. */
export function imageKind(buffer: Buffer): 'jpeg' | 'png' | 'webp' | null {
  if (buffer.length >= 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'jpeg';
  if (buffer.length >= 8 && buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buffer.length >= 12 && buffer.toString('latin1', 0, 4) === 'RIFF' && buffer.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

export interface ProcessedPhoto {
  web: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
}

/**
 * Photo files under STORAGE_DIR/photos: the upload is decoded, turned upright
 * by its EXIF orientation, scaled down to web sizes and written again as JPEG
 * without any metadata (phone photos carry GPS positions); the original is
 * never kept.
 */
@Injectable()
export class PhotoStorage {
  private readonly dir: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.dir = resolve(config.storageDir, 'photos');
  }

  /** Checks and converts an upload; a 400 naming `file` when it is not a JPEG, PNG or WebP image that decodes. */
  async process(buffer: Buffer): Promise<ProcessedPhoto> {
    if (!imageKind(buffer)) throw new InvalidInputError('file', 'is not a JPEG, PNG or WebP image (its content was checked, not its name)', { code: 'photo.notImage' });
    try {
      // failOn 'error': a truncated or corrupt file is refused rather than half-drawn.
      const input = () => sharp(buffer, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).rotate();
      // rotate() with no angle applies the EXIF orientation; without withMetadata() nothing of EXIF, XMP or ICC is written.
      const web = await input()
        .resize(WEB_SIZE, WEB_SIZE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 82, mozjpeg: true })
        .toBuffer({ resolveWithObject: true });
      const thumb = await sharp(web.data).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 78, mozjpeg: true }).toBuffer();
      return { web: web.data, thumb, width: web.info.width, height: web.info.height };
    } catch (err) {
      throw new InvalidInputError('file', `could not be read as an image (${(err as Error).message.split('\n')[0]})`, { code: 'photo.unreadable' });
    }
  }

  /** Writes both files (each to a temporary name first, so a reader never sees half a file). */
  async write(id: string, photo: ProcessedPhoto): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const [variant, data] of [['web', photo.web], ['thumb', photo.thumb]] as const) {
      const path = this.path(id, variant);
      await writeFile(`${path}.tmp`, data);
      await rename(`${path}.tmp`, path);
    }
  }

  async remove(id: string): Promise<void> {
    await Promise.all((['web', 'thumb'] as const).map((v) => rm(this.path(id, v), { force: true })));
  }

  /** The file to serve, or null when it is gone. */
  async open(id: string, variant: PhotoVariant): Promise<{ stream: Readable; size: number } | null> {
    const path = this.path(id, variant);
    try {
      const s = await stat(path);
      return { stream: createReadStream(path), size: s.size };
    } catch {
      return null;
    }
  }

  /** Callers pass a validated UUID, so the name cannot leave the folder. */
  private path(id: string, variant: PhotoVariant): string {
    return join(this.dir, `${id}-${variant}.jpg`);
  }
}

/** Where a photo is served (media.controller.ts). */
export function photoUrl(id: string, variant: PhotoVariant = 'web'): string {
  return `/api/v1/public/photos/${id}/${variant}.jpg`;
}
