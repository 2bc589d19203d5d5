import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const EVENT_KINDS = ['training', 'workshop', 'seminar', 'conference'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_STATUSES = ['draft', 'published', 'completed', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const REGISTRATION_MODES = ['open', 'invite_only'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

@Entity('event')
export class TrainingEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** For the public page /e/:slug; unique. */
  @Index({ unique: true })
  @Column()
  slug: string;

  @Column({ type: 'varchar' })
  kind: EventKind;

  @Column()
  title: string;

  @Column({ type: 'varchar', nullable: true })
  titleEn: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', nullable: true })
  descriptionEn: string | null;

  @Column({ type: 'text', nullable: true })
  audience: string | null;

  @Column({ type: 'text', nullable: true })
  audienceEn: string | null;

  /** The organizer unit; scope checks use it. */
  @Index()
  @Column({ type: 'uuid' })
  organizationId: string;

  @Column({ type: 'varchar', nullable: true })
  venue: string | null;

  /** Stored in UTC; shown in `timezone`. */
  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  /** IANA zone, default Asia/Ho_Chi_Minh. */
  @Column({ default: 'Asia/Ho_Chi_Minh' })
  timezone: string;

  /** Seats for confirmed delegates; null = unlimited. */
  @Column({ type: 'int', nullable: true })
  capacity: number | null;

  /**
   * Confirmed delegates, maintained by the registration transactions with a
   * conditional UPDATE (`confirmed_count < capacity`) — the database, not the
   * code, keeps capacity. A CHECK constraint backs it.
   */
  @Column({ type: 'int', default: 0 })
  confirmedCount: number;

  @Column({ default: false })
  waitlist: boolean;

  @Column({ type: 'varchar', default: 'open' })
  registrationMode: RegistrationMode;

  @Column({ type: 'timestamptz', nullable: true })
  registrationOpensAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  registrationClosesAt: Date | null;

  @Column({ type: 'int', default: 24 })
  reminderHoursBefore: number;

  @Index()
  @Column({ type: 'varchar', default: 'draft' })
  status: EventStatus;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
