import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity';
import { User } from '../users/user.entity';

/**
 * A person who presents or moderates. Belongs to the directory of the unit
 * that created it (`organizationId`; null = the admins' global directory).
 */
@Entity('speaker')
@Check('speaker_full_name_check', 'length(btrim(full_name)) > 0')
// USING gin (td_search_fold(full_name) gin_trgm_ops) (migrations/1764400400000-EventsDomain.ts):
// an expression index, which TypeORM cannot describe, so it must leave it alone.
@Index('idx_speaker_name_search', { synchronize: false })
export class Speaker {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('idx_speaker_organization_id')
  @ForeignKey(() => Organization, { onDelete: 'RESTRICT' })
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  /** Searched accent-insensitively through td_search_fold(full_name) (trigram index). */
  @Column()
  fullName: string;

  /** e.g. `đồng chí`, `PGS.TS.` */
  @Column({ type: 'varchar', nullable: true })
  honorific: string | null;

  @Column({ type: 'varchar', nullable: true })
  position: string | null;

  /** e.g. `Ban Tuyên giáo Tỉnh ủy` */
  @Column({ type: 'varchar', nullable: true })
  affiliation: string | null;

  @Column({ type: 'varchar', nullable: true })
  email: string | null;

  @Column({ type: 'varchar', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  bio: string | null;

  @ForeignKey(() => User, { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
