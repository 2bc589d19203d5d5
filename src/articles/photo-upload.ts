import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from '../http/request';
import { FileTooLargeError, readFilePart, UPLOAD_LIMITS, UploadedFileData } from '../http/uploaded-file';

/** A photo upload: the file and the text fields sent beside it (caption, captionEn). */
export interface PhotoUpload {
  file: UploadedFileData | undefined;
  fields: Record<string, string>;
}

/**
 * Reads a multipart photo upload with @fastify/multipart, as src/http/uploaded-file.ts reads an import,
 * with the same bounds on parts and text fields, but keeping the text fields: `maxBytes` is enforced
 * while the file streams: a larger file is a 413 naming the field and the limit as soon as the limit
 * is passed (readFilePart), the rest of the body unread.
 */
export async function readPhotoUpload(req: FastifyRequest, maxBytes: number): Promise<PhotoUpload> {
  const upload: PhotoUpload = { file: undefined, fields: {} };
  if (!req.isMultipart()) return upload;
  const tooLarge = () => new FileTooLargeError('file', maxBytes, 'photo', { code: 'photo.tooLarge', params: { mb: Math.round(maxBytes / 1024 / 1024) } });
  for await (const part of req.parts({ limits: { ...UPLOAD_LIMITS, fileSize: maxBytes } })) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw new BadRequestException(`unexpected file field "${part.fieldname}"; send the photo as "file"`);
      }
      upload.file = { originalname: part.filename, mimetype: part.mimetype, buffer: await readFilePart(req, part, tooLarge) };
    } else if (typeof part.value === 'string') {
      upload.fields[part.fieldname] = part.value;
    }
  }
  return upload;
}

/** The photo upload, read when the handler is called: after the guards, so a refused caller's upload is never read. */
export const PhotoUploadParam = (maxBytes: number): ParameterDecorator =>
  createParamDecorator((_: unknown, ctx: ExecutionContext) => readPhotoUpload(ctx.switchToHttp().getRequest<FastifyRequest>(), maxBytes))();
