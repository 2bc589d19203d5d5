import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (issue 11): api.md's attendanceRate, once, in the database — the report statements
 * (src/reports/reports.sql.ts) build their whole answer as JSON, which the API sends as it comes
 * instead of parsing 120 KB of units, adding the rates and serializing them again.
 *
 * The rate: checked-in confirmed delegates / confirmed delegates, from 0 to 1, rounded to 4
 * decimals; 0 when nobody is confirmed (nothing to attend is not 100 %); never above 1. A float8 so
 * that JSON shows 0.5, not 0.5000.
 */
export class AttendanceRate1764410000000 implements MigrationInterface {
  name = 'AttendanceRate1764410000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION td_attendance_rate(checked_in bigint, confirmed bigint) RETURNS double precision
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN CASE WHEN confirmed <= 0 THEN 0 ELSE round(least(checked_in, confirmed)::numeric / confirmed, 4)::double precision END`);
    // ISO 8601 in UTC with milliseconds, as JavaScript's toISOString() writes it (api.md's date-times).
    await q.query(`
      CREATE FUNCTION td_iso_time(t timestamptz) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION td_iso_time(timestamptz)`);
    await q.query(`DROP FUNCTION td_attendance_rate(bigint, bigint)`);
  }
}
