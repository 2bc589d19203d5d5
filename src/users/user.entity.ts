import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Organization } from '../organizations/organization.entity';

export const ROLES = ['admin', 'organizer', 'leader', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/** Keys, indexes and constraints as migrations/1764400000000-Platform.ts and 1764402000000-Accounts.ts create them. */
@Entity('user_account')
@Check('user_account_role_check', "role IN ('admin', 'organizer', 'leader', 'staff')")
@Check('user_account_unit_required', "role = 'admin' OR organization_id IS NOT NULL")
@Check('chk_user_account_session_version', 'session_version >= 0')
@Index('idx_user_account_role_active', ['role', 'active'])
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

  /** A deactivated user cannot log in, and every token they hold stops working at once. */
  @Column({ default: true })
  active: boolean;

  /**
   * Embedded in every token and page session and compared on each request: bumping it ends every
   * session of the user (password change or reset, sign out everywhere). See UserStateCache.
   */
  @Column({ type: 'int', default: 0 })
  sessionVersion: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
