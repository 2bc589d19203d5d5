import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { Registration } from '../registrations/registration.entity';
import { User } from '../users/user.entity';

/** What a batch sends. */
export const BATCH_TEMPLATES = ['invitation', 'reminder', 'event-changed', 'event-cancelled'] as const;
export type BatchTemplate = (typeof BATCH_TEMPLATES)[number];

/** One "send invitations" (or automatic notice) run, as migrations/1764405000000-Invitations.ts creates it. */
@Entity('invitation_batch')
@Check('chk_invitation_batch_template', "template IN ('invitation', 'reminder', 'event-changed', 'event-cancelled')")
@Check('chk_invitation_batch_total', 'total >= 0')
export class InvitationBatch {
  @PrimaryGeneratedColumn('uuid') id: string;

  @Index('idx_invitation_batch_event_id')
  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'varchar' }) template: BatchTemplate;
  @Column({ type: 'int', default: 0 }) total: number;

  @Index('uq_invitation_batch_dedup_key', { unique: true })
  @Column({ type: 'varchar', nullable: true })
  dedupKey: string | null;

  /** What a change notice says the event was before. */
  @Column({ type: 'jsonb', nullable: true }) details: { startsAt?: string; endsAt?: string; venue?: string | null } | null;

  @ForeignKey(() => User, { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) renderedAt: Date | null;
}

/** One recipient of a batch; its mail (and so its delivery status) once the fan-out has rendered it. */
@Entity('invitation')
@Index('uq_invitation_batch_registration', ['batchId', 'registrationId'], { unique: true })
@Index('idx_invitation_event_id', ['eventId', 'createdAt'])
@Index('idx_invitation_unrendered', ['batchId'], { where: 'mail_message_id IS NULL' })
export class Invitation {
  @PrimaryGeneratedColumn('uuid') id: string;

  @ForeignKey(() => InvitationBatch, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  batchId: string;

  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  eventId: string;

  @ForeignKey(() => Registration, { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  registrationId: string;

  @Column({ type: 'uuid', nullable: true }) mailMessageId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** The reminder job (BullMQ delayed job) planned for an event. */
@Entity('event_reminder')
export class EventReminder {
  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'varchar' }) jobId: string;
  @Column({ type: 'timestamptz' }) runAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
