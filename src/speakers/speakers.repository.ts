import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Speaker } from './speaker.entity';
import { viPersonOrder } from '../database/vietnamese-order';

@Injectable()
export class SpeakersRepository {
  constructor(@InjectRepository(Speaker) private readonly repo: Repository<Speaker>) {}

  findById(id: string): Promise<Speaker | null> {
    return this.repo.findOneBy({ id });
  }

  findByIds(ids: string[], manager?: EntityManager): Promise<Speaker[]> {
    return ids.length ? (manager ?? this.repo.manager).findBy(Speaker, { id: In(ids) }) : Promise.resolve([]);
  }

  /**
   * Locks the speakers' rows (FOR NO KEY UPDATE, which foreign-key checks do not wait for) in id
   * order, inside `manager`'s transaction; returns the ids that still exist.
   */
  async lockInIdOrder(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: { id: string }[] = await manager.query('SELECT id FROM speaker WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * A page of the directory seen from `scopeRoot` (null = everything), by name.
   * Each word of `q` must occur in the accent-folded name; td_search_fold (an
   * IMMUTABLE unaccent + đ→d + lower wrapper) backs a trigram GIN index.
   */
  async searchVisible(scopeRoot: string | null, q: string | undefined, page: number, pageSize: number): Promise<[Speaker[], number]> {
    const qb = this.repo.createQueryBuilder('s');
    if (scopeRoot) {
      const v = visibleFrom('s');
      qb.andWhere(v.sql, { scopeRoot });
    }
    const words = (q ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
    words.forEach((w, i) => {
      qb.andWhere(`td_search_fold(s.full_name) LIKE '%' || td_search_fold(:w${i}) || '%'`, { [`w${i}`]: w.replace(/[\\%_]/g, (c) => '\\' + c) });
    });
    return qb
      // Vietnamese order, by given name (see database/vietnamese-order.ts).
      .orderBy(viPersonOrder('s.full_name'))
      .addOrderBy('s.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  /** Whether a speaker owned by `ownerId` is visible from `scopeRoot` (see visibleFrom). */
  async isVisible(ownerId: string | null, scopeRoot: string): Promise<boolean> {
    if (ownerId === null) return true;
    const rows: unknown[] = await this.repo.query(
      `SELECT 1 FROM organization o WHERE o.id = $1 AND (o.id = $2 OR o.path @> ARRAY[$2]::uuid[] OR o.id IN (SELECT unnest(path) FROM organization WHERE id = $2))`,
      [ownerId, scopeRoot],
    );
    return rows.length > 0;
  }

  /** How many agenda sessions list the speaker. */
  async countSessions(speakerId: string): Promise<number> {
    const rows: { n: number }[] = await this.repo.query('SELECT count(*)::int AS n FROM session_speaker WHERE speaker_id = $1', [speakerId]);
    return rows[0].n;
  }

  create(fields: Partial<Speaker>): Speaker {
    return this.repo.create(fields);
  }

  save(speaker: Speaker): Promise<Speaker> {
    return this.repo.save(speaker);
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}

/**
 * Speakers visible from a unit: the global directory (no owner), the unit's
 * subtree, and its ancestors' directories (a federation's speakers serve its
 * unions). Bind `scopeRoot`.
 */
export function visibleFrom(alias: string): { sql: string } {
  return {
    sql: `(${alias}.organization_id IS NULL OR ${alias}.organization_id IN (
      SELECT so.id FROM organization so WHERE so.id = :scopeRoot OR so.path @> ARRAY[:scopeRoot]::uuid[]
      UNION ALL SELECT unnest(path) FROM organization WHERE id = :scopeRoot))`,
  };
}
