import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const REGISTRATION_ROLES = ['delegate', 'official', 'guest', 'press'] as const;
export type RegistrationRole = (typeof REGISTRATION_ROLES)[number];
export const REGISTRATION_STATUSES = ['invited', 'confirmed', 'declined', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type RegistrationSource = 'self' | 'organizer' | 'import';

/** Indexes, CHECKs and uniqueness live in migrations/1764400500000-Registrations.ts. */
@Entity('registration')
export class Registration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

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
  @Column({ type: 'bytea', select: false })
  tokenHash: Buffer;

  /** Check-in code, 10 Crockford base32 characters without separators. */
  @Column({ type: 'varchar' })
  code: string;

  @Column({ type: 'timestamptz', nullable: true })
  waitlistedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  declinedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
