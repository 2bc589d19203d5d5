import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { DomainError, ErrorCode } from './domain-errors';
import type { FastifyRequest } from './request';

/** A file read from a multipart request, in the shape the services take (as multer gave it). */
export interface UploadedFileData {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

/** 413: an uploaded file over its route's limit; the body names the field and the limit (`maxBytes`). */
export class FileTooLargeError extends DomainError {
  readonly status = 413 as const;
  constructor(field: string, maxBytes: number, what: string, code: ErrorCode) {
    super(`${field} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; send a smaller ${what}`, { field, maxBytes }, code);
  }
}

/** The bounds of an upload form besides the file: a few short text fields (the import form has none). */
export const UPLOAD_LIMITS = { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 21 } as const;

/** A multipart file part as @fastify/multipart hands it over (busboy's stream, which emits 'limit'). */
interface FilePart {
  file: Readable & { truncated?: boolean };
}

/**
 * Buffers a file part, failing with `tooLarge()` as soon as busboy says the `fileSize` limit is passed
 * (the library's `toBuffer()` keeps reading and discarding the rest of the body first, then throws an
 * error the filter cannot word). At that point the request stops being parsed: the rest of the body is
 * not read into the parser; the answer (413) goes out with `Connection: close` (closeUnreadBodies) and
 * the client stops sending when the socket closes. A request cut by the client is a 400.
 */
export function readFilePart(req: FastifyRequest, part: FilePart, tooLarge: () => Error): Promise<Buffer> {
  const file = part.file;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      file.removeListener('data', onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => chunks.push(chunk);
    file.on('data', onData);
    file.once('limit', () => {
      stopParsing(req);
      fail(tooLarge());
    });
    file.once('end', () => {
      if (file.truncated) return fail(tooLarge());
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
    file.on('error', () => fail(cutShort()));
    file.once('close', () => fail(cutShort()));
  });
}

const cutShort = () => new BadRequestException('the upload ended before its file did (the request was cut short)');

/**
 * No more of the body goes to the multipart parser, and none is read until the answer is written (the
 * client is held back by TCP); then the lingering close discards what still comes (closeUnreadBodies).
 */
function stopParsing(req: FastifyRequest): void {
  const raw = req.raw;
  raw.unpipe();
  raw.pause();
}

/** How long a connection answered before its body was read still takes (and discards) what the client sends. */
const LINGER_MS = 5_000;

/**
 * An answer sent before its request body was read whole (an upload over its limit, a refused upload)
 * closes the connection: `Connection: close`, so the client stops sending and the rest is never read on
 * a kept-alive socket. The close lingers: Node destroys such a socket as soon as the answer is written,
 * and a client still writing then meets a reset (EPIPE/ECONNRESET) before it reads the answer (it
 * never sees the 413, and the parser sees the body cut: busboy's "Unexpected end of multipart data").
 * Instead the answer is written and the sending side closed, what still arrives is discarded until
 * the client closes, and the socket is destroyed after LINGER_MS at the latest.
 */
export function closeUnreadBodies(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (req, reply) => {
    if (req.raw.complete || reply.raw.headersSent) return;
    reply.header('Connection', 'close');
    const socket = req.raw.socket as Socket | null;
    const raw = req.raw;
    if (socket && !socket.destroyed) socket.destroySoon = () => lingeringClose(socket, raw);
  });
}

function lingeringClose(socket: Socket, req: Readable): void {
  if (socket.writable) socket.end();
  req.resume();
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Reads the one file of a multipart request sent as `field` with @fastify/multipart, buffering it with
 * `maxBytes` enforced while it streams: a larger file is a 413 naming the field and the limit as soon
 * as the limit is passed (see readFilePart). Not multipart or no file: undefined, for the service to
 * say what is missing. A file under another field is a 400, a second file a 413 (the `files: 1` limit).
 * Text fields are skipped.
 */
export async function readUploadedFile(req: FastifyRequest, field: string, maxBytes: number): Promise<UploadedFileData | undefined> {
  if (!req.isMultipart()) return undefined;
  let found: UploadedFileData | undefined;
  const tooLarge = () => new FileTooLargeError(field, maxBytes, 'file', { code: 'import.tooLarge', params: { mb: Math.round(maxBytes / 1024 / 1024) } });
  for await (const part of req.parts({ limits: { ...UPLOAD_LIMITS, fileSize: maxBytes } })) {
    if (part.type !== 'file') continue;
    if (part.fieldname !== field) {
      part.file.resume();
      throw new BadRequestException(`unexpected file field "${part.fieldname}"; send the file as "${field}"`);
    }
    found = { originalname: part.filename, mimetype: part.mimetype, buffer: await readFilePart(req, part, tooLarge) };
  }
  return found;
}

/**
 * The uploaded file of field `field` (at most `maxBytes`), read when the handler is called: after the
 * guards, so a refused caller's upload is never read. Replaces Nest's FileInterceptor (multer, Express only).
 */
export const UploadedFile = (field: string, maxBytes: number): ParameterDecorator =>
  createParamDecorator((_: unknown, ctx: ExecutionContext) => readUploadedFile(ctx.switchToHttp().getRequest<FastifyRequest>(), field, maxBytes))();
