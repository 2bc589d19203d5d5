import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity';

export const ROLES = ['admin', 'organizer', 'leader', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/** Keys, indexes and constraints as migrations/1764400000000-Platform.ts creates them. */
@Entity('user_account')
@Check('user_account_role_check', "role IN ('admin', 'organizer', 'leader', 'staff')")
@Check('user_account_unit_required', "role = 'admin' OR organization_id IS NOT NULL")
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased; unique. */
  @Index('uq_user_account_email', { unique: true })
  @Column()
  email: string;

  @Column()
  passwordHash: string;

  @Column()
  fullName: string;

  @Column({ type: 'varchar' })
  role: Role;

  /** Null only for an admin created from ADMIN_EMAIL before any organization exists. */
  @Index('idx_user_account_organization_id')
  @ForeignKey(() => Organization, { onDelete: 'RESTRICT' })
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
