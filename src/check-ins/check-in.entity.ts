import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { Registration } from '../registrations/registration.entity';
import { Session } from '../sessions/session.entity';
import { User } from '../users/user.entity';

/** One presence of a registration at the event (sessionId null) or at one session. */
@Entity('check_in')
@Index('idx_check_in_event_session', ['eventId', 'sessionId'])
// One check-in per (registration, session), the event-level one having session_id NULL:
// UNIQUE (registration_id, session_id) NULLS NOT DISTINCT (migrations/1764400500000-Registrations.ts),
// which TypeORM cannot describe, so it must leave the index alone.
@Index('uq_check_in_registration_session', { synchronize: false })
export class CheckIn {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  eventId: string;

  @ForeignKey(() => Registration, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  registrationId: string;

  @Index('idx_check_in_session_id', { where: 'session_id IS NOT NULL' })
  @ForeignKey(() => Session, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  /** When the code was scanned (an offline scanner sends it later). */
  @Column({ type: 'timestamptz' })
  checkedInAt: Date;

  /** When the server stored it. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @ForeignKey(() => User, { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  checkedInById: string | null;

  /** The scanner's idempotency key, if it sent one. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  nonce: string | null;
}
