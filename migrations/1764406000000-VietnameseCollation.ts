import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ICU `vi` collation, for lists in Vietnamese order (src/database/vietnamese-order.ts):
 * PostgreSQL's default (C / en_US) order puts Đặng and Đỗ after Võ and Huỳnh before Hồ.
 * The reports migration may have created it already, hence IF NOT EXISTS.
 */
export class VietnameseCollation1764406000000 implements MigrationInterface {
  name = 'VietnameseCollation1764406000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE COLLATION IF NOT EXISTS vi (provider = icu, locale = 'vi')`);
  }

  public async down(): Promise<void> {
    // Kept: the reports' queries use the same collation, and their migration drops it on its own revert.
  }
}
