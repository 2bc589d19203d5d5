import { Column, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { User } from '../users/user.entity';

/** A quote as the recap stores it. */
export interface StoredQuote {
  personName: string;
  position: string | null;
  text: string;
  textEn: string | null;
}

/** What the organizer recorded after the event (migrations/1764404000000-Articles.ts). */
@Entity('event_recap')
export class EventRecap {
  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  eventId: string;

  /** Paragraphs, as written, in order. */
  @Column({ type: 'jsonb' })
  highlights: string[];

  @Column({ type: 'jsonb' })
  highlightsEn: string[];

  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  @Column({ type: 'text', nullable: true })
  outcomeEn: string | null;

  @Column({ type: 'jsonb' })
  quotes: StoredQuote[];

  @Column({ type: 'varchar', nullable: true })
  author: string | null;

  @ForeignKey(() => User, { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  updatedById: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
