import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuthUser } from '../auth/auth-user';
import { TrainingEvent } from '../events/event.entity';
import { EventsService } from '../events/events.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../http/domain-errors';
import { createValidationPipe } from '../http/validation';
import { PhotoCreatedDto, PhotoDto, PhotoFieldsDto, RecapDto, RecapInputDto } from './dto/recap.dto';
import { EventPhoto } from './photo.entity';
import { PhotoStorage, photoUrl } from './photo-storage';
import type { PhotoUpload } from './photo-upload';
import { EventRecap } from './recap.entity';
import { RecapRepository } from './recap.repository';

/** A recap is written about an event that has happened or is happening. */
const RECAP_EVENT_STATUSES = ['published', 'completed'];

/** The organizer's recap of an event and its photos. */
@Injectable()
export class RecapService {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly recaps: RecapRepository,
    private readonly events: EventsService,
    private readonly storage: PhotoStorage,
  ) {}

  async get(user: AuthUser, eventId: string): Promise<RecapDto> {
    await this.events.assertReadable(user, eventId);
    return this.toDto(eventId, await this.recaps.findRecap(eventId), await this.recaps.listPhotos(eventId));
  }

  /** Replaces the whole recap. */
  async put(user: AuthUser, eventId: string, dto: RecapInputDto): Promise<RecapDto> {
    this.assertOpen(await this.events.assertManageable(user, eventId));
    const recap = await this.recaps.saveRecap({
      eventId,
      highlights: dto.highlights ?? [],
      highlightsEn: dto.highlightsEn ?? [],
      outcome: dto.outcome || null,
      outcomeEn: dto.outcomeEn || null,
      quotes: (dto.quotes ?? []).map((q) => ({ personName: q.personName, position: q.position || null, text: q.text, textEn: q.textEn || null })),
      author: dto.author || null,
      updatedById: user.id,
    });
    return this.toDto(eventId, recap, await this.recaps.listPhotos(eventId));
  }

  /**
   * Stores an uploaded photo: its content must be a JPEG, PNG or WebP image
   * that decodes; what is kept is a web-sized copy and a thumbnail without metadata.
   */
  async addPhoto(user: AuthUser, eventId: string, upload: PhotoUpload): Promise<PhotoCreatedDto> {
    this.assertOpen(await this.events.assertManageable(user, eventId));
    const fields = (await this.validation.transform(upload.fields, { type: 'body', metatype: PhotoFieldsDto })) as PhotoFieldsDto;
    if (!upload.file) throw new InvalidInputError('file', 'is required: send the photo as the multipart field "file"', { code: 'photo.missing' });
    const processed = await this.storage.process(upload.file.buffer);
    const id = randomUUID();
    await this.storage.write(id, processed);
    let photo: EventPhoto;
    try {
      photo = await this.recaps.insertPhoto({ id, eventId, caption: fields.caption, captionEn: fields.captionEn || null, width: processed.width, height: processed.height, bytes: processed.web.length, createdById: user.id });
    } catch (err) {
      await this.storage.remove(id);
      throw err;
    }
    const dto = toPhotoDto(photo);
    return { id, url: dto.url, photo: dto };
  }

  async deletePhoto(user: AuthUser, photoId: string): Promise<void> {
    const photo = await this.recaps.findPhoto(photoId);
    if (!photo) throw new NotFoundError('Photo', photoId);
    await this.events.assertManageable(user, photo.eventId);
    await this.recaps.deletePhoto(photoId, photo.eventId);
    await this.storage.remove(photoId);
  }

  private assertOpen(event: TrainingEvent): void {
    if (!RECAP_EVENT_STATUSES.includes(event.status)) {
      throw new ConflictError(`a recap is kept for a published or completed event; this one is ${event.status}`, { status: event.status }, { code: 'recap.eventStatus', params: { eventStatus: event.status } });
    }
  }

  private toDto(eventId: string, r: EventRecap | null, photos: EventPhoto[]): RecapDto {
    return {
      eventId,
      highlights: r?.highlights ?? [],
      highlightsEn: r?.highlightsEn ?? [],
      outcome: r?.outcome ?? null,
      outcomeEn: r?.outcomeEn ?? null,
      quotes: r?.quotes ?? [],
      author: r?.author ?? null,
      photos: photos.map(toPhotoDto),
      updatedAt: r?.updatedAt.toISOString() ?? null,
    };
  }
}

function toPhotoDto(p: EventPhoto): PhotoDto {
  return {
    id: p.id,
    eventId: p.eventId,
    url: photoUrl(p.id),
    thumbnailUrl: photoUrl(p.id, 'thumb'),
    caption: p.caption,
    captionEn: p.captionEn,
    width: p.width,
    height: p.height,
    createdAt: p.createdAt.toISOString(),
  };
}
