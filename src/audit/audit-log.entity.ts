import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One recorded change (migrations/1764402000000-Accounts.ts). No foreign keys: history outlives what it names. */
@Entity('audit_log')
@Index('idx_audit_log_entity', ['entity', 'entityId'])
export class AuditLog {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('idx_audit_log_at')
  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Index('idx_audit_log_actor_id')
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', nullable: true })
  actorEmail: string | null;

  @Column()
  action: string;

  @Column()
  entity: string;

  @Column({ type: 'uuid', nullable: true })
  entityId: string | null;

  @Index('idx_audit_log_organization_id')
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  changes: Record<string, unknown>;
}
