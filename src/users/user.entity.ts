import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const ROLES = ['admin', 'organizer', 'leader', 'staff'] as const;
export type Role = (typeof ROLES)[number];

@Entity('user_account')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased; unique. */
  @Index({ unique: true })
  @Column()
  email: string;

  @Column()
  passwordHash: string;

  @Column()
  fullName: string;

  @Column({ type: 'varchar' })
  role: Role;

  /** Null only for an admin created from ADMIN_EMAIL before any organization exists. */
  @Index()
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
