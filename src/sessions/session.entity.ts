import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';

/** An agenda item of an event, inside the event's time span. */
@Entity('session')
@Check('session_ends_after_start', 'ends_at > starts_at')
@Index('idx_session_event_id_starts_at', ['eventId', 'startsAt'])
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  eventId: string;

  @Column()
  title: string;

  @Column({ type: 'varchar', nullable: true })
  topic: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'varchar', nullable: true })
  room: string | null;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  /** Order among sessions that start at the same time (agenda editor). */
  @Column({ type: 'int', default: 0 })
  position: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
