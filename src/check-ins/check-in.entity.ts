import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One presence of a registration at the event (sessionId null) or at one session. */
@Entity('check_in')
export class CheckIn {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'uuid' })
  registrationId: string;

  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  /** When the code was scanned (an offline scanner sends it later). */
  @Column({ type: 'timestamptz' })
  checkedInAt: Date;

  /** When the server stored it. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  checkedInById: string | null;

  /** The scanner's idempotency key, if it sent one. */
  @Column({ type: 'varchar', nullable: true })
  nonce: string | null;
}
