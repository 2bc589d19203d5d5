import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from './request';

/** A file read from a multipart request, in the shape the services take (as multer gave it). */
export interface UploadedFileData {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

/**
 * Reads the one file of a multipart request sent as `field` with @fastify/multipart, buffering it with
 * `maxBytes` enforced while it streams (a larger file is a 413 before it is held in memory whole).
 * Not multipart or no file: undefined, for the service to say what is missing. A file under another
 * field is a 400, a second file a 413 (the `files: 1` limit). Text fields are skipped.
 */
export async function readUploadedFile(req: FastifyRequest, field: string, maxBytes: number): Promise<UploadedFileData | undefined> {
  if (!req.isMultipart()) return undefined;
  let found: UploadedFileData | undefined;
  // A form has a few text fields besides the file (the import form none): many or large ones are a 413 too.
  for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 21 } })) {
    if (part.type !== 'file') continue;
    if (part.fieldname !== field) {
      part.file.resume();
      throw new BadRequestException(`unexpected file field "${part.fieldname}"; send the file as "${field}"`);
    }
    found = { originalname: part.filename, mimetype: part.mimetype, buffer: await part.toBuffer() };
  }
  return found;
}

/**
 * The uploaded file of field `field` (at most `maxBytes`), read when the handler is called: after the
 * guards, so a refused caller's upload is never read. Replaces Nest's FileInterceptor (multer, Express only).
 */
export const UploadedFile = (field: string, maxBytes: number): ParameterDecorator =>
  createParamDecorator((_: unknown, ctx: ExecutionContext) => readUploadedFile(ctx.switchToHttp().getRequest<FastifyRequest>(), field, maxBytes))();
