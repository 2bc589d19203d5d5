import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (issue 11): the event report counts an event's registrations per (unit, role, status),
 * with those checked in, from `registration_tally` instead of reading every registration. Counting
 * 100,000 registrations cost about 60 ms of CPU per report, so four leaders at once on two cores
 * waited 200–400 ms each; the tally answers the same figures from about 1,500 rows.
 *
 * Rows are deltas, written by PostgreSQL itself (statement-level triggers on registration, so no
 * code path can forget one, and a bulk statement — an import, an invitation batch, the check-in
 * triggers' update of registration.checked_in — writes one row per group, not per registration):
 * - insert: +1 per new registration in its group (and +1 checked in if it is);
 * - update: -1 in the old group, +1 in the new (status, role, unit or checked_in changed), summed
 *   per group, and nothing at all when none of those changed (most updates);
 * - delete: -1 in its group, unless the event itself is being deleted (then its rows are deleted with it);
 * - truncate: every row gone.
 * Only inserts, never an update of a shared row: a storm of check-ins at 64 at a time for one unit
 * would otherwise queue on that unit's row lock until each commit. The sum of an event's rows per
 * group is the exact count at any snapshot (each delta commits with its change).
 *
 * Deltas pile up (one per check-in, one per registration), so the reports fold them now and then
 * (ReportsRepository.foldTally: one statement deletes an event's rows and writes their sums back;
 * a concurrent fold skips the rows the first one deleted, so nothing is counted twice).
 */
export class RegistrationTally1764409000000 implements MigrationInterface {
  name = 'RegistrationTally1764409000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registration_tally (
        -- No foreign key: its check would take a KEY SHARE lock on the event row in every transaction that changes a
        -- registration, and a cancellation holding one deadlocks with another's FOR UPDATE of the event (waiting-list
        -- promotion, RegistrationsRepository.promoteWaitlisted). A deleted event's rows go by td_event_tally_deleted.
        event_id uuid NOT NULL,
        organization_id uuid,
        role varchar NOT NULL,
        status varchar NOT NULL,
        registrations integer NOT NULL,
        checked_in integer NOT NULL
      )`);
    await q.query(`CREATE INDEX idx_registration_tally_event ON registration_tally (event_id)`);
    await q.query(`
      INSERT INTO registration_tally (event_id, organization_id, role, status, registrations, checked_in)
      SELECT event_id, organization_id, role, status, count(*), count(*) FILTER (WHERE checked_in) FROM registration GROUP BY 1, 2, 3, 4`);

    await q.query(`
      CREATE FUNCTION td_registration_tally_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO registration_tally (event_id, organization_id, role, status, registrations, checked_in)
        SELECT event_id, organization_id, role, status, count(*), count(*) FILTER (WHERE checked_in)
          FROM td_new_registrations GROUP BY 1, 2, 3, 4;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION td_registration_tally_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO registration_tally (event_id, organization_id, role, status, registrations, checked_in)
        SELECT event_id, organization_id, role, status, sum(n), sum(c)
          FROM (SELECT event_id, organization_id, role, status, -1 AS n, -(checked_in::int) AS c FROM td_old_registrations
                UNION ALL
                SELECT event_id, organization_id, role, status, 1, checked_in::int FROM td_new_registrations) d
         GROUP BY 1, 2, 3, 4
        HAVING sum(n) <> 0 OR sum(c) <> 0;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION td_registration_tally_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- A cascade from a deleted event: the event is already gone from this statement's view, and td_event_tally_deleted removes its rows.
        INSERT INTO registration_tally (event_id, organization_id, role, status, registrations, checked_in)
        SELECT o.event_id, o.organization_id, o.role, o.status, -count(*), -count(*) FILTER (WHERE o.checked_in)
          FROM td_old_registrations o
         WHERE EXISTS (SELECT 1 FROM event e WHERE e.id = o.event_id)
         GROUP BY 1, 2, 3, 4;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION td_event_tally_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM registration_tally WHERE event_id IN (SELECT id FROM td_old_events);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION td_registration_tally_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM registration_tally;
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER td_registration_tally_inserted AFTER INSERT ON registration REFERENCING NEW TABLE AS td_new_registrations FOR EACH STATEMENT EXECUTE FUNCTION td_registration_tally_inserted()`,
    );
    await q.query(
      `CREATE TRIGGER td_registration_tally_updated AFTER UPDATE ON registration REFERENCING OLD TABLE AS td_old_registrations NEW TABLE AS td_new_registrations FOR EACH STATEMENT EXECUTE FUNCTION td_registration_tally_updated()`,
    );
    await q.query(
      `CREATE TRIGGER td_registration_tally_deleted AFTER DELETE ON registration REFERENCING OLD TABLE AS td_old_registrations FOR EACH STATEMENT EXECUTE FUNCTION td_registration_tally_deleted()`,
    );
    await q.query(`CREATE TRIGGER td_event_tally_deleted AFTER DELETE ON event REFERENCING OLD TABLE AS td_old_events FOR EACH STATEMENT EXECUTE FUNCTION td_event_tally_deleted()`);
    await q.query(`CREATE TRIGGER td_registration_tally_truncated AFTER TRUNCATE ON registration FOR EACH STATEMENT EXECUTE FUNCTION td_registration_tally_truncated()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER td_event_tally_deleted ON event`);
    await q.query(`DROP FUNCTION td_event_tally_deleted()`);
    for (const t of ['inserted', 'updated', 'deleted', 'truncated']) {
      await q.query(`DROP TRIGGER td_registration_tally_${t} ON registration`);
      await q.query(`DROP FUNCTION td_registration_tally_${t}()`);
    }
    await q.query(`DROP TABLE registration_tally`);
  }
}
