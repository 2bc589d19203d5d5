import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A person who presents or moderates. Belongs to the directory of the unit
 * that created it (`organizationId`; null = the admins' global directory).
 */
@Entity('speaker')
export class Speaker {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
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

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
