import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { User } from '../users/user.entity';

export const EVENT_KINDS = ['training', 'workshop', 'seminar', 'conference'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_STATUSES = ['draft', 'published', 'completed', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const REGISTRATION_MODES = ['open', 'invite_only'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** Keys, indexes and constraints as migrations/1764400100000-Events.ts creates them. */
@Entity('event')
@Check('event_kind_check', "kind IN ('training', 'workshop', 'seminar', 'conference')")
@Check('event_capacity_check', 'capacity IS NULL OR capacity >= 0')
@Check('event_registration_mode_check', "registration_mode IN ('open', 'invite_only')")
@Check('event_reminder_hours_before_check', 'reminder_hours_before >= 0')
@Check('event_status_check', "status IN ('draft', 'published', 'completed', 'cancelled')")
@Check('event_ends_after_start', 'ends_at > starts_at')
// The last line against overbooking, whatever the code path.
@Check('event_capacity_not_exceeded', 'confirmed_count >= 0 AND (capacity IS NULL OR confirmed_count <= capacity)')
export class TrainingEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** For the public page /e/:slug; unique. */
  @Index('uq_event_slug', { unique: true })
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
  @Index('idx_event_organization_id')
  @ForeignKey(() => Organization, { onDelete: 'RESTRICT' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Column({ type: 'varchar', nullable: true })
  venue: string | null;

  /** Stored in UTC; shown in `timezone`. */
  @Index('idx_event_starts_at')
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

  @Index('idx_event_status')
  @Column({ type: 'varchar', default: 'draft' })
  status: EventStatus;

  @ForeignKey(() => User, { onDelete: 'SET NULL' })
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
