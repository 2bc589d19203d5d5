import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { Organization } from '../organizations/organization.entity';
import { User } from '../users/user.entity';

export const REGISTRATION_ROLES = ['delegate', 'official', 'guest', 'press'] as const;
export type RegistrationRole = (typeof REGISTRATION_ROLES)[number];
export const REGISTRATION_STATUSES = ['invited', 'confirmed', 'declined', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type RegistrationSource = 'self' | 'organizer' | 'import';

/** Keys, indexes and constraints as migrations/1764400500000-Registrations.ts (and later ones) create them. */
@Entity('registration')
@Check('registration_full_name_check', 'length(btrim(full_name)) > 0')
@Check('registration_email_check', "position('@' in email) > 1")
@Check('registration_role_check', "role IN ('delegate', 'official', 'guest', 'press')")
@Check('registration_language_check', "language IN ('vi', 'en')")
@Check('registration_status_check', "status IN ('invited', 'confirmed', 'declined', 'waitlisted', 'cancelled')")
@Check('registration_source_check', "source IN ('self', 'organizer', 'import')")
@Check('registration_token_hash_check', 'length(token_hash) = 32')
@Check('registration_code_check', "code ~ '^[0-9A-HJKMNP-TV-Z]{10}$'")
// Only delegates take seats, so only delegates wait for one.
@Check('registration_waitlist_delegates', "status <> 'waitlisted' OR (role = 'delegate' AND waitlisted_at IS NOT NULL)")
@Check('chk_registration_link_version', 'link_version >= 0')
// idx_registration_event_report ON (event_id, status, role, organization_id) INCLUDE (checked_in): every
// lookup by event and status, and an index-only scan for the reports (migrations/1764408000000-…).
// TypeORM cannot describe INCLUDE, so it must leave it alone.
@Index('idx_registration_event_report', { synchronize: false })
// Waitlist promotion takes the oldest waiting delegate.
@Index('idx_registration_waitlist', ['eventId', 'waitlistedAt', 'id'], { where: "status = 'waitlisted'" })
// Expression indexes, which TypeORM cannot describe, so it must leave them alone:
// uq_registration_event_email ON (event_id, lower(email)): one registration per e-mail and event;
// idx_registration_search USING gin (td_search_fold(full_name || ' ' || email) gin_trgm_ops).
@Index('uq_registration_event_email', { synchronize: false })
@Index('idx_registration_search', { synchronize: false })
export class Registration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  eventId: string;

  @Column()
  fullName: string;

  /** As given; uniqueness per event is on lower(email). */
  @Column()
  email: string;

  @Column({ type: 'varchar', nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', nullable: true })
  position: string | null;

  /** The delegate's unit. */
  @Index('idx_registration_organization_id')
  @ForeignKey(() => Organization, { onDelete: 'RESTRICT' })
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ type: 'varchar', default: 'delegate' })
  role: RegistrationRole;

  @Column({ type: 'varchar', default: 'vi' })
  language: Language;

  @Column({ type: 'varchar' })
  status: RegistrationStatus;

  @Column({ type: 'varchar' })
  source: RegistrationSource;

  /** SHA-256 of the personal-link token; the token itself is never stored. */
  @Index('uq_registration_token_hash', { unique: true })
  @Column({ type: 'bytea', select: false })
  tokenHash: Buffer;

  /** The personal link's version: the token is derived from it (see PersonalLinks); 0 = a random token issued before derived links. */
  @Column({ type: 'int', default: 1 })
  linkVersion: number;

  /**
   * Check-in code, 10 Crockford base32 characters without separators; unique across
   * events so that a code alone names one registration.
   */
  @Index('uq_registration_code', { unique: true })
  @Column({ type: 'varchar', length: 10 })
  code: string;

  /**
   * At least one check-in (door or session) exists: kept by PostgreSQL's triggers on check_in
   * (migrations/1764407000000-RegistrationCheckedIn.ts), never written by the app.
   */
  @Column({ type: 'boolean', default: false, insert: false, update: false })
  checkedIn: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  waitlistedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  declinedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @ForeignKey(() => User, { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
