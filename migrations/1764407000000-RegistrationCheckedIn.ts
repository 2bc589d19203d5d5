import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports (issue 11): "is this registration checked in?" kept on the registration by PostgreSQL.
 *
 * `registration.checked_in` is true when at least one check_in row (at the door or at a session)
 * exists for the registration. The reports then count attendance from the registrations alone
 * instead of removing the duplicates of up to 1,000,000 check-ins on every read (the dashboard) or
 * hashing 160,000 of them per event report.
 *
 * Kept by statement-level triggers on check_in (one UPDATE per statement, whatever the number of
 * rows, so a bulk insert of a million check-ins is one set-based update too):
 * - insert: the registrations of the new rows become checked in (a second scan changes nothing);
 * - delete (undo, or a cascade from a session): the registrations of the removed rows are locked
 *   FOR UPDATE, then cleared unless another check-in is left. The lock conflicts with the KEY SHARE
 *   lock that the foreign key check of a concurrent check-in insert holds on the same registration
 *   until it commits, so the delete waits for that insert and its next statement (a new snapshot)
 *   sees its row: an undo racing a scan cannot clear the mark of a registration left checked in;
 *   This needs READ COMMITTED (the app's only level for writes): a REPEATABLE READ or SERIALIZABLE
 *   transaction keeps its first snapshot and could clear a mark wrongly, so there the delete of a
 *   checked-in registration's check-in is refused (SQLSTATE 0A000) rather than trusted;
 * - update (registration_id changed; nothing does this today): both of the above;
 * - truncate: every mark cleared.
 * The column is in no index, so the update is HOT (no index entries written) when the page has
 * room: fillfactor 90 leaves that room on newly written pages.
 *
 * idx_check_in_event_registration (from the reports migration) served the DISTINCT over the
 * check-ins that the mark replaces; dropping it spares every check-in one index insert. Lookups by
 * registration go through uq_check_in_registration_session (registration_id, session_id).
 */
export class RegistrationCheckedIn1764407000000 implements MigrationInterface {
  name = 'RegistrationCheckedIn1764407000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registration ADD COLUMN checked_in boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE registration SET (fillfactor = 90)`);
    await q.query(`UPDATE registration r SET checked_in = true WHERE EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id)`);

    await q.query(`
      CREATE FUNCTION td_check_in_mark_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE registration r SET checked_in = true
          FROM (SELECT DISTINCT registration_id FROM td_new_check_ins) n
         WHERE r.id = n.registration_id AND NOT r.checked_in;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION td_check_in_mark_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Wait for concurrent check-ins of these registrations (see the migration's comment); in id order, so two deletes cannot deadlock.
        PERFORM 1 FROM registration r WHERE r.id IN (SELECT registration_id FROM td_old_check_ins) ORDER BY r.id FOR UPDATE OF r;
        -- The next statement must see what those check-ins committed: only READ COMMITTED takes a new snapshot for it.
        IF current_setting('transaction_isolation') <> 'read committed' AND EXISTS (
             SELECT 1 FROM registration r WHERE r.id IN (SELECT registration_id FROM td_old_check_ins) AND r.checked_in) THEN
          RAISE EXCEPTION 'check-ins of a checked-in registration are deleted in READ COMMITTED transactions only (registration.checked_in)'
            USING ERRCODE = 'feature_not_supported';
        END IF;
        UPDATE registration r SET checked_in = false
         WHERE r.id IN (SELECT registration_id FROM td_old_check_ins) AND r.checked_in
           AND NOT EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION td_check_in_mark_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM registration r WHERE r.id IN (SELECT registration_id FROM td_old_check_ins) ORDER BY r.id FOR UPDATE OF r;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'check-ins are updated in READ COMMITTED transactions only (registration.checked_in)' USING ERRCODE = 'feature_not_supported';
        END IF;
        UPDATE registration r SET checked_in = EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id)
         WHERE r.id IN (SELECT registration_id FROM td_old_check_ins UNION SELECT registration_id FROM td_new_check_ins);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION td_check_in_mark_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE registration SET checked_in = false WHERE checked_in;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER td_check_in_mark_inserted AFTER INSERT ON check_in REFERENCING NEW TABLE AS td_new_check_ins FOR EACH STATEMENT EXECUTE FUNCTION td_check_in_mark_inserted()`);
    await q.query(`CREATE TRIGGER td_check_in_mark_deleted AFTER DELETE ON check_in REFERENCING OLD TABLE AS td_old_check_ins FOR EACH STATEMENT EXECUTE FUNCTION td_check_in_mark_deleted()`);
    await q.query(
      `CREATE TRIGGER td_check_in_mark_updated AFTER UPDATE ON check_in REFERENCING OLD TABLE AS td_old_check_ins NEW TABLE AS td_new_check_ins FOR EACH STATEMENT EXECUTE FUNCTION td_check_in_mark_updated()`,
    );
    await q.query(`CREATE TRIGGER td_check_in_mark_truncated AFTER TRUNCATE ON check_in FOR EACH STATEMENT EXECUTE FUNCTION td_check_in_mark_truncated()`);

    await q.query(`DROP INDEX idx_check_in_event_registration`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_check_in_event_registration ON check_in (event_id, registration_id)`);
    for (const t of ['inserted', 'deleted', 'updated', 'truncated']) {
      await q.query(`DROP TRIGGER td_check_in_mark_${t} ON check_in`);
      await q.query(`DROP FUNCTION td_check_in_mark_${t}()`);
    }
    await q.query(`ALTER TABLE registration RESET (fillfactor)`);
    await q.query(`ALTER TABLE registration DROP COLUMN checked_in`);
  }
}
