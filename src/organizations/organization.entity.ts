import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Keys, indexes and constraints as migrations/1764400000000-Platform.ts creates them. */
@Entity('organization')
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  name: string;

  /** e.g. `LĐLĐ` */
  @Column({ type: 'varchar', nullable: true })
  abbreviation: string | null;

  /** e.g. `tỉnh Bình Dương` */
  @Column({ type: 'varchar', nullable: true })
  locality: string | null;

  /** The name used in later mentions, e.g. `LĐLĐ tỉnh` */
  @Column({ type: 'varchar', nullable: true })
  shortName: string | null;

  @Column({ type: 'varchar', nullable: true })
  nameEn: string | null;

  @Index('idx_organization_parent_id')
  @ForeignKey(() => Organization, { onDelete: 'RESTRICT' })
  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  /** Ancestors' ids, root first: subtree queries are `id = X OR path @> ARRAY[X]` (GIN-indexed; `X = ANY(path)` is not). */
  @Index('idx_organization_path', { type: 'gin' })
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  path: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
