import { BadRequestException, createParamDecorator, ExecutionContext, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyRequest } from '../http/request';
import type { UploadedFileData } from '../http/uploaded-file';

/** A photo upload: the file and the text fields sent beside it (caption, captionEn). */
export interface PhotoUpload {
  file: UploadedFileData | undefined;
  fields: Record<string, string>;
}

/**
 * Reads a multipart photo upload with @fastify/multipart, as src/http/uploaded-file.ts reads an import,
 * with the same bounds on parts and text fields, but keeping the text fields: `maxBytes` is enforced
 * while the file streams, and a larger file is a 413 that says the limit.
 */
export async function readPhotoUpload(req: FastifyRequest, maxBytes: number): Promise<PhotoUpload> {
  const upload: PhotoUpload = { file: undefined, fields: {} };
  if (!req.isMultipart()) return upload;
  const tooLarge = () => new PayloadTooLargeException(`file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; send a smaller photo`);
  try {
    for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 21 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new BadRequestException(`unexpected file field "${part.fieldname}"; send the photo as "file"`);
        }
        const buffer = await part.toBuffer();
        if (part.file.truncated) throw tooLarge();
        upload.file = { originalname: part.filename, mimetype: part.mimetype, buffer };
      } else if (typeof part.value === 'string') {
        upload.fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw err;
  }
  return upload;
}

/** The photo upload, read when the handler is called: after the guards, so a refused caller's upload is never read. */
export const PhotoUploadParam = (maxBytes: number): ParameterDecorator =>
  createParamDecorator((_: unknown, ctx: ExecutionContext) => readPhotoUpload(ctx.switchToHttp().getRequest<FastifyRequest>(), maxBytes))();
