import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventPhoto } from './photo.entity';
import { EventRecap } from './recap.entity';

/** Who was there, as the article counts them (articles.md rule 5). */
export interface Attendance {
  /** Officials checked in, in the order they registered. */
  officials: { position: string | null; fullName: string }[];
  checkedInDelegates: number;
  confirmedDelegates: number;
}

/** Recaps and their photos. */
@Injectable()
export class RecapRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findRecap(eventId: string): Promise<EventRecap | null> {
    return this.db.manager.findOneBy(EventRecap, { eventId });
  }

  async saveRecap(recap: Omit<EventRecap, 'updatedAt'>): Promise<EventRecap> {
    await this.db.manager.upsert(EventRecap, { ...recap, updatedAt: new Date() }, ['eventId']);
    return (await this.findRecap(recap.eventId))!;
  }

  listPhotos(eventId: string): Promise<EventPhoto[]> {
    return this.db.manager.find(EventPhoto, { where: { eventId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findPhoto(id: string): Promise<EventPhoto | null> {
    return this.db.manager.findOneBy(EventPhoto, { id });
  }

  insertPhoto(photo: Omit<EventPhoto, 'createdAt'>): Promise<EventPhoto> {
    return this.db.manager.save(EventPhoto, this.db.manager.create(EventPhoto, photo));
  }

  /** Deletes the photo and takes it out of the event's articles, in one transaction. */
  async deletePhoto(id: string, eventId: string): Promise<void> {
    await this.db.transaction(async (manager: EntityManager) => {
      await manager.query(`DELETE FROM event_photo WHERE id = $1`, [id]);
      await manager.query(
        `UPDATE article
            SET photos = COALESCE((SELECT jsonb_agg(p) FROM jsonb_array_elements(photos) p WHERE p->>'photoId' <> $2), '[]'::jsonb)
          WHERE event_id = $1 AND photos @> jsonb_build_array(jsonb_build_object('photoId', $2::text))`,
        [eventId, id],
      );
    });
  }

  /**
   * The attendance an article states. It reads registrations and check-ins
   * directly because no service of those domains answers this question (the
   * officials by name in registration order, the delegates counted two ways),
   * and it is one read-only statement on their event_id indexes.
   */
  async attendance(eventId: string): Promise<Attendance> {
    const officials: { position: string | null; fullName: string }[] = await this.db.query(
      `SELECT r.position, r.full_name AS "fullName"
         FROM registration r
        WHERE r.event_id = $1 AND r.role = 'official' AND r.status <> 'cancelled'
          AND EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id)
        ORDER BY r.created_at, r.id`,
      [eventId],
    );
    const [counts] = await this.db.query(
      `SELECT count(*) FILTER (WHERE r.status <> 'cancelled' AND EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id))::int AS "checkedIn",
              count(*) FILTER (WHERE r.status = 'confirmed')::int AS confirmed
         FROM registration r
        WHERE r.event_id = $1 AND r.role = 'delegate'`,
      [eventId],
    );
    return { officials, checkedInDelegates: counts.checkedIn, confirmedDelegates: counts.confirmed };
  }
}
