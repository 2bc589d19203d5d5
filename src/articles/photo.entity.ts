import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { User } from '../users/user.entity';

/** A photo of an event's recap; its files (web size and thumbnail) live under STORAGE_DIR/photos. */
@Entity('event_photo')
@Index('idx_event_photo_event_id', ['eventId', 'createdAt'])
export class EventPhoto {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'text' })
  caption: string;

  @Column({ type: 'text', nullable: true })
  captionEn: string | null;

  /** Of the web-sized copy. */
  @Column({ type: 'int' })
  width: number;

  @Column({ type: 'int' })
  height: number;

  @Column({ type: 'int' })
  bytes: number;

  @ForeignKey(() => User, { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
