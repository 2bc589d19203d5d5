// The report statements, one per report, each answering one row of JSON built by PostgreSQL:
// counting happens in SQL (no rows are loaded into the process to be counted), in one round trip.
// Exported so that the bench runs the very same statements directly with `pg` as the reports' limit
// (test/bench/scenarios/event-report.ts, dashboard-report.ts).
//
// These read registration, check_in, event_quota, session, event and organization together: a report
// is an aggregate over all of them, and asking each domain's service for its rows would mean loading
// 100,000 registrations into the process to count them, which is what issue 11 forbids.

/**
 * Vietnamese order of people: by given name (the last word), then the rest of the name, in the ICU
 * `vi` collation (migrations/1764403000000-Reports.ts), then id so that the order is total.
 * `r` is the registration alias.
 */
export const VI_NAME_ORDER = `substring(btrim(r.full_name) from '(\\S+)$') COLLATE vi, regexp_replace(btrim(r.full_name), '\\s*\\S+$', '') COLLATE vi, r.id`;

/**
 * The event report of api.md (`$1` = event id). A unit's figures (confirmed and checked-in
 * delegates) include its descendants: each unit's direct counts are added to every unit on its
 * path. Units listed: those with delegates (and their ancestors) and those with a quota, even
 * when nobody of theirs registered. "Checked in" = a confirmed registration with at least one
 * check-in (at the door or at a session).
 */
export const EVENT_REPORT_SQL = `
  WITH tally AS MATERIALIZED (
    -- The event's registrations counted per (status, role, unit), with the confirmed ones checked in, from
    -- registration_tally (migrations/1764409000000-RegistrationTally.ts): sums of deltas the database writes with
    -- every change of a registration, so about 1,500 rows are read for 100,000 registrations. "Present" is the
    -- registration's own mark (registration.checked_in, kept by PostgreSQL's triggers on check_in:
    -- migrations/1764407000000-RegistrationCheckedIn.ts), so no check-in is read for it.
    SELECT t.status, t.role, t.organization_id, sum(t.registrations)::int AS n,
           COALESCE(sum(t.checked_in) FILTER (WHERE t.status = 'confirmed'), 0)::int AS present, count(*)::int AS deltas
      FROM registration_tally t
     WHERE t.event_id = $1
     GROUP BY 1, 2, 3
  ), r AS (
    -- A group whose registrations all moved elsewhere (another unit, role or status) sums to zero: it is not there.
    SELECT * FROM tally WHERE n <> 0
  ), totals AS (
    SELECT COALESCE(sum(n) FILTER (WHERE status = 'invited'), 0)::int AS invited,
           COALESCE(sum(n) FILTER (WHERE status = 'confirmed'), 0)::int AS confirmed,
           COALESCE(sum(n) FILTER (WHERE status = 'waitlisted'), 0)::int AS waitlisted,
           COALESCE(sum(n) FILTER (WHERE status = 'declined'), 0)::int AS declined,
           COALESCE(sum(n) FILTER (WHERE status = 'cancelled'), 0)::int AS cancelled,
           COALESCE(sum(present), 0)::int AS "checkedIn",
           COALESCE(sum(n) FILTER (WHERE status = 'confirmed' AND role = 'delegate'), 0)::int AS "confirmedDelegates",
           COALESCE(sum(present) FILTER (WHERE role = 'delegate'), 0)::int AS "checkedInDelegates"
      FROM r
  ), by_role AS (
    SELECT role, COALESCE(sum(n) FILTER (WHERE status = 'confirmed'), 0)::int AS confirmed, COALESCE(sum(present), 0)::int AS checked_in
      FROM r GROUP BY role
  ), direct AS (
    SELECT organization_id AS id, COALESCE(sum(n) FILTER (WHERE status = 'confirmed'), 0)::int AS confirmed, COALESCE(sum(present), 0)::int AS checked_in
      FROM r WHERE role = 'delegate' AND organization_id IS NOT NULL
     GROUP BY organization_id
  ), rolled AS (
    SELECT a.id, sum(d.confirmed)::int AS confirmed, sum(d.checked_in)::int AS checked_in
      FROM direct d JOIN organization o ON o.id = d.id CROSS JOIN LATERAL unnest(o.path || o.id) AS a(id)
     GROUP BY a.id
  ), quota AS (
    SELECT q.organization_id AS id, q.seats FROM event_quota q WHERE q.event_id = $1
  ), by_org AS (
    SELECT o.id, o.name, o.parent_id, cardinality(o.path) AS depth, q.seats AS quota,
           COALESCE(ro.confirmed, 0) AS confirmed, COALESCE(ro.checked_in, 0) AS checked_in, o.path || o.id AS sort
      FROM (SELECT id FROM rolled UNION SELECT id FROM quota) l
      JOIN organization o ON o.id = l.id
      LEFT JOIN quota q ON q.id = o.id
      LEFT JOIN rolled ro ON ro.id = o.id
  ), by_session AS (
    -- Counted on idx_check_in_session_id alone (an index-only scan per session, no check-in row read).
    SELECT s.id, s.title, s.starts_at, (SELECT count(*) FROM check_in c WHERE c.session_id = s.id)::int AS checked_in
      FROM session s
     WHERE s.event_id = $1
  )
  -- The whole answer of api.md as JSON text, which the API sends as it is (rates by td_attendance_rate, times by
  -- td_iso_time: migrations/1764410000000-AttendanceRate.ts).
  SELECT json_build_object(
           'event', (SELECT json_build_object('id', e.id, 'title', e.title, 'titleEn', e.title_en, 'status', e.status, 'startsAt', td_iso_time(e.starts_at),
                       'endsAt', td_iso_time(e.ends_at), 'timezone', e.timezone, 'organizationId', e.organization_id, 'venue', e.venue) FROM event e WHERE e.id = $1),
           'totals', (SELECT json_build_object('invited', invited, 'confirmed', confirmed, 'waitlisted', waitlisted, 'declined', declined, 'cancelled', cancelled,
                        'checkedIn', "checkedIn", 'noShow', confirmed - "checkedIn", 'confirmedDelegates', "confirmedDelegates", 'checkedInDelegates', "checkedInDelegates",
                        'attendanceRate', td_attendance_rate("checkedInDelegates", "confirmedDelegates")) FROM totals),
           'byOrganization', COALESCE((SELECT json_agg(json_build_object('organizationId', id, 'name', name, 'parentId', parent_id, 'depth', depth,
                               'quota', quota, 'confirmed', confirmed, 'checkedIn', checked_in, 'attendanceRate', td_attendance_rate(checked_in, confirmed),
                               'underQuota', quota IS NOT NULL AND confirmed < quota) ORDER BY sort) FROM by_org), '[]'),
           'byRole', COALESCE((SELECT json_agg(json_build_object('role', role, 'confirmed', confirmed, 'checkedIn', checked_in,
                       'attendanceRate', td_attendance_rate(checked_in, confirmed)) ORDER BY role) FROM by_role), '[]'),
           'bySession', COALESCE((SELECT json_agg(json_build_object('sessionId', id, 'title', title, 'startsAt', td_iso_time(starts_at), 'checkedIn', checked_in)
                          ORDER BY starts_at, id) FROM by_session), '[]')
         )::text AS json,
         -- The tally rows a fold would remove (ReportsService folds when there are many).
         (SELECT COALESCE(sum(deltas), 0) FROM tally)::int - (SELECT count(*) FROM r)::int AS "tallySurplus"`;

/**
 * Folds the tally of an event (`$1`): its delta rows become one row per group, in one statement.
 * Two folds at once cannot count a row twice: the second one's DELETE waits for the rows the first
 * deleted, then skips them (gone), and does not see the sums the first wrote (not in its snapshot).
 * Deltas committed meanwhile are left for the next fold. Groups that sum to zero disappear.
 */
export const FOLD_TALLY_SQL = `
  WITH gone AS (
    DELETE FROM registration_tally WHERE event_id = $1 RETURNING organization_id, role, status, registrations, checked_in
  ), kept AS (
    INSERT INTO registration_tally (event_id, organization_id, role, status, registrations, checked_in)
    SELECT $1::uuid, organization_id, role, status, sum(registrations), sum(checked_in)
      FROM gone
     GROUP BY organization_id, role, status
    HAVING sum(registrations) <> 0 OR sum(checked_in) <> 0
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM kept)::int AS written`;

/**
 * The leadership report of api.md over a period (`$1` = the unit whose subtree is counted, null for
 * the whole tree; `$2`, `$3` = first and last day, inclusive; `$4` = the caller's scope root, null
 * for an admin). Events: those the caller may read (organized in `$4`'s subtree) that start in the
 * period, by their start's date in the event's own time zone (and in that date's month), and that
 * concern the subtree: organized in it, or with its delegates or quotas. Counted: published and
 * completed ones (every status is in `byStatus`). Figures: confirmed delegates of the subtree and
 * those checked in. `byOrganization` has one row per child unit of `$1` (rolled up over its
 * subtree) and one for `$1`'s own delegates (`self`); `underQuota` the units of the subtree most
 * often below their quota (confirmed delegates of their subtree fewer than the seats asked).
 */
export const ATTENDANCE_REPORT_SQL = `
  WITH units AS MATERIALIZED (
    -- The units of the subtree (every unit for the whole tree), each with the child of the root it belongs to (the root itself for its own).
    SELECT o.id, o.path,
           CASE WHEN $1::uuid IS NULL THEN (o.path || o.id)[1]
                WHEN o.id = $1::uuid THEN o.id
                ELSE (o.path || o.id)[array_position(o.path, $1::uuid) + 1] END AS branch
      FROM organization o
     WHERE $1::uuid IS NULL OR o.id = $1::uuid OR o.path @> ARRAY[$1::uuid]
  ), visible AS MATERIALIZED (
    -- "counted" as a column rather than a filter below: PostgreSQL then estimates the counted events as half
    -- of these instead of a handful, and hashes the small sides of the joins over the registrations.
    SELECT e.id, e.title, e.title_en, e.status, e.starts_at, e.timezone, e.organization_id,
           to_char(e.starts_at AT TIME ZONE e.timezone, 'YYYY-MM') AS month, e.status IN ('published', 'completed') AS counted
      FROM event e
     WHERE e.organization_id IN (SELECT so.id FROM organization so WHERE $4::uuid IS NULL OR so.id = $4::uuid OR so.path @> ARRAY[$4::uuid])
       -- A coarse, indexable bound (every zone is within a day of UTC), then the exact one in the event's zone.
       AND e.starts_at >= ($2::date - 1)::timestamp AT TIME ZONE 'UTC'
       AND e.starts_at < ($3::date + 2)::timestamp AT TIME ZONE 'UTC'
       AND (e.starts_at AT TIME ZONE e.timezone)::date BETWEEN $2::date AND $3::date
  ), happening AS MATERIALIZED (
    SELECT id FROM visible WHERE counted
  ), quotas AS MATERIALIZED (
    SELECT q.event_id, q.organization_id, q.seats, u.branch
      FROM event_quota q JOIN units u ON u.id = q.organization_id
     WHERE q.event_id IN (SELECT id FROM happening)
  ), cover AS MATERIALIZED (
    -- (event, unit, quota unit): each unit of the subtree at or under a unit with a quota for that event.
    SELECT q.event_id, u.id AS unit, q.organization_id AS quota_org
      FROM units u CROSS JOIN LATERAL unnest(u.path || u.id) AS a(id)
      JOIN quotas q ON q.organization_id = a.id
  ), counts AS MATERIALIZED (
    -- The one pass over the confirmed delegates (250,000 for the bench's dashboard), checked in by their own mark
    -- (registration.checked_in, kept by the database: migrations/1764407000000-RegistrationCheckedIn.ts) instead of
    -- removing the duplicates of a million check-ins. Grouped per event and branch, and per unit only where a
    -- quota needs it (a few thousand groups, not one per event and unit). An index-only scan of
    -- idx_registration_event_report: no heap page read per registration (migrations/1764408000000-…).
    SELECT r.event_id, u.branch,
           CASE WHEN (r.event_id, r.organization_id) IN (SELECT event_id, unit FROM cover) THEN r.organization_id END AS org,
           count(*)::int AS confirmed, count(*) FILTER (WHERE r.checked_in)::int AS checked_in
      FROM registration r
      -- The same units as above, from the table rather than the CTE: its statistics let PostgreSQL hash the units, not the registrations.
      LEFT JOIN (SELECT o.id, CASE WHEN $1::uuid IS NULL THEN (o.path || o.id)[1]
                                   WHEN o.id = $1::uuid THEN o.id
                                   ELSE (o.path || o.id)[array_position(o.path, $1::uuid) + 1] END AS branch
                   FROM organization o
                  WHERE $1::uuid IS NULL OR o.id = $1::uuid OR o.path @> ARRAY[$1::uuid]) u ON u.id = r.organization_id
     WHERE r.event_id IN (SELECT id FROM happening) AND r.status = 'confirmed' AND r.role = 'delegate'
       AND ($1::uuid IS NULL OR u.id IS NOT NULL)
     GROUP BY 1, 2, 3
  ), ev AS MATERIALIZED (
    SELECT v.* FROM visible v
     WHERE v.organization_id IN (SELECT id FROM units) OR v.id IN (SELECT event_id FROM counts) OR v.id IN (SELECT event_id FROM quotas)
  ), counted AS MATERIALIZED (
    SELECT * FROM ev WHERE counted
  ), per_event AS MATERIALIZED (
    SELECT event_id, sum(confirmed)::int AS confirmed, sum(checked_in)::int AS checked_in FROM counts GROUP BY event_id
  ), branch_counts AS (
    SELECT branch, sum(confirmed)::int AS confirmed, sum(checked_in)::int AS checked_in FROM counts WHERE branch IS NOT NULL GROUP BY branch
  ), branch_quotas AS (
    SELECT branch, sum(seats)::int AS quota FROM quotas WHERE branch IS NOT NULL GROUP BY branch
  ), by_org AS (
    SELECT o.id, o.name, ($1::uuid IS NOT NULL AND o.id = $1::uuid) AS self, bq.quota,
           COALESCE(bc.confirmed, 0) AS confirmed, COALESCE(bc.checked_in, 0) AS checked_in
      FROM (SELECT branch FROM branch_counts UNION SELECT branch FROM branch_quotas
            UNION SELECT so.id FROM organization so WHERE so.parent_id IS NOT DISTINCT FROM $1::uuid) b
      JOIN organization o ON o.id = b.branch
      LEFT JOIN branch_counts bc ON bc.branch = o.id
      LEFT JOIN branch_quotas bq ON bq.branch = o.id
  ), rolled AS (
    -- Confirmed delegates per (event, unit with a quota), the unit's descendants included.
    SELECT c.event_id, c.quota_org AS id, sum(k.confirmed)::int AS confirmed
      FROM counts k JOIN cover c ON c.event_id = k.event_id AND c.unit = k.org
     GROUP BY c.event_id, c.quota_org
  ), under AS (
    SELECT q.organization_id AS id, count(*)::int AS events,
           count(*) FILTER (WHERE COALESCE(ro.confirmed, 0) < q.seats)::int AS under,
           sum(GREATEST(q.seats - COALESCE(ro.confirmed, 0), 0))::int AS shortfall
      FROM quotas q LEFT JOIN rolled ro ON ro.event_id = q.event_id AND ro.id = q.organization_id
     WHERE q.branch IS NOT NULL
     GROUP BY q.organization_id
  ), months AS (
    SELECT to_char(m, 'YYYY-MM') AS month FROM generate_series(date_trunc('month', $2::date), $3::date, interval '1 month') AS m
  ), by_month AS (
    SELECT m.month, count(c.id)::int AS events, COALESCE(sum(pe.confirmed), 0)::int AS confirmed, COALESCE(sum(pe.checked_in), 0)::int AS checked_in
      FROM months m LEFT JOIN counted c ON c.month = m.month LEFT JOIN per_event pe ON pe.event_id = c.id
     GROUP BY m.month
  ), by_event AS (
    SELECT ev.id, ev.title, ev.title_en, ev.status, ev.starts_at, ev.timezone, ev.organization_id,
           COALESCE(pe.confirmed, 0) AS confirmed, COALESCE(pe.checked_in, 0) AS checked_in
      FROM ev LEFT JOIN per_event pe ON pe.event_id = ev.id
     ORDER BY ev.starts_at DESC, ev.id LIMIT 200
  ), figures AS (
    SELECT (SELECT count(*)::int FROM counted) AS events,
           (SELECT COALESCE(sum(confirmed), 0)::int FROM per_event) AS confirmed,
           (SELECT COALESCE(sum(checked_in), 0)::int FROM per_event) AS checked_in
  )
  -- The whole answer of api.md as JSON text, which the API sends as it is (see EVENT_REPORT_SQL).
  SELECT json_build_object(
           'organizationId', $1::uuid, 'from', to_char($2::date, 'YYYY-MM-DD'), 'to', to_char($3::date, 'YYYY-MM-DD'),
           'events', f.events, 'confirmed', f.confirmed, 'checkedIn', f.checked_in, 'attendanceRate', td_attendance_rate(f.checked_in, f.confirmed),
           'byOrganization', COALESCE((SELECT json_agg(json_build_object('organizationId', b.id, 'name', b.name, 'self', b.self, 'quota', b.quota,
                               'confirmed', b.confirmed, 'checkedIn', b.checked_in, 'attendanceRate', td_attendance_rate(b.checked_in, b.confirmed))
                               ORDER BY b.self DESC, b.name COLLATE vi, b.id) FROM by_org b), '[]'),
           'byMonth', COALESCE((SELECT json_agg(json_build_object('month', month, 'events', events, 'confirmed', confirmed, 'checkedIn', checked_in,
                        'attendanceRate', td_attendance_rate(checked_in, confirmed)) ORDER BY month) FROM by_month), '[]'),
           'byStatus', COALESCE((SELECT json_agg(json_build_object('status', status, 'events', n) ORDER BY status) FROM (SELECT status, count(*)::int AS n FROM ev GROUP BY status) s), '[]'),
           'underQuota', COALESCE((SELECT json_agg(x ORDER BY x.under DESC, x.shortfall DESC, x.name COLLATE vi) FROM (
                           SELECT u.id AS "organizationId", o.name, u.events, u.under, u.shortfall FROM under u JOIN organization o ON o.id = u.id
                            WHERE u.under > 0 ORDER BY u.under DESC, u.shortfall DESC, o.name COLLATE vi LIMIT 10) x), '[]'),
           'byEvent', COALESCE((SELECT json_agg(json_build_object('eventId', id, 'title', title, 'titleEn', title_en, 'status', status, 'startsAt', td_iso_time(starts_at),
                        'timezone', timezone, 'organizationId', organization_id, 'confirmed', confirmed, 'checkedIn', checked_in,
                        'attendanceRate', td_attendance_rate(checked_in, confirmed)) ORDER BY starts_at DESC, id) FROM by_event), '[]')
         )::text AS json
    FROM figures f`;

/** Columns of one person of the attendance list (`r` registration, `o` their unit, `ci` their first check-in). */
const PERSON_COLUMNS = `r.id, r.full_name AS "fullName", r.position, r.email, r.phone, r.role, r.code,
       r.organization_id AS "organizationId", o.name AS "organizationName", ci.first_at AS "checkedInAt"`;

/**
 * The attendance list of an event (`$1`): its confirmed registrations, grouped by unit (by unit
 * name in Vietnamese order, those without a unit last) and in Vietnamese name order within each.
 */
export const ATTENDANCE_LIST_SQL = `
  SELECT ${PERSON_COLUMNS}
    FROM registration r
    LEFT JOIN organization o ON o.id = r.organization_id
    LEFT JOIN LATERAL (SELECT min(c.checked_in_at) AS first_at FROM check_in c WHERE c.event_id = r.event_id AND c.registration_id = r.id) ci ON true
   WHERE r.event_id = $1 AND r.status = 'confirmed'
   ORDER BY o.name COLLATE vi NULLS LAST, o.id, ${VI_NAME_ORDER}`;

/** Confirmed and checked-in registrations of an event per unit of the registration (not rolled up), in the list's order. */
export const ATTENDANCE_UNITS_SQL = `
  SELECT r.organization_id AS "organizationId", min(o.name) AS "organizationName", count(*)::int AS confirmed,
         count(*) FILTER (WHERE r.checked_in)::int AS "checkedIn"
    FROM registration r LEFT JOIN organization o ON o.id = r.organization_id
   WHERE r.event_id = $1 AND r.status = 'confirmed'
   GROUP BY r.organization_id
   ORDER BY min(o.name) COLLATE vi NULLS LAST, r.organization_id`;

/**
 * The live figures of a user's home page (`$1` = subtree root or null, `$2` = now): upcoming
 * published events, confirmed registrations for them, and check-ins recorded today (the day in
 * each event's zone) at events of the subtree.
 */
export const HOME_FIGURES_SQL = `
  WITH ev AS (
    SELECT e.id, e.status, e.starts_at, e.ends_at, e.timezone FROM event e
     WHERE e.organization_id IN (SELECT so.id FROM organization so WHERE $1::uuid IS NULL OR so.id = $1::uuid OR so.path @> ARRAY[$1::uuid])
  ), upcoming AS (
    SELECT id FROM ev WHERE status = 'published' AND ends_at >= $2::timestamptz
  )
  SELECT (SELECT count(*)::int FROM upcoming) AS "upcomingEvents",
         (SELECT count(*)::int FROM registration r WHERE r.event_id IN (SELECT id FROM upcoming) AND r.status = 'confirmed') AS "confirmedRegistrations",
         (SELECT count(*)::int FROM registration r WHERE r.event_id IN (SELECT id FROM upcoming) AND r.status = 'waitlisted') AS "waitlisted",
         (SELECT count(*)::int FROM check_in c JOIN ev ON ev.id = c.event_id
           WHERE ev.status IN ('published', 'completed') AND ev.starts_at < $2::timestamptz + interval '1 day' AND ev.ends_at > $2::timestamptz - interval '2 days'
             AND c.session_id IS NULL
             AND (c.checked_in_at AT TIME ZONE ev.timezone)::date = ($2::timestamptz AT TIME ZONE ev.timezone)::date) AS "checkInsToday"`;

/** The next published events of the subtree (`$1` root or null, `$2` now, `$3` how many), with their confirmed and checked-in counts. */
export const NEXT_EVENTS_SQL = `
  SELECT e.id, e.title, e.title_en AS "titleEn", e.starts_at AS "startsAt", e.timezone, e.confirmed_count AS "confirmedCount", e.capacity,
         (SELECT count(*)::int FROM registration r WHERE r.event_id = e.id AND r.checked_in) AS "checkedIn"
    FROM event e
   WHERE e.organization_id IN (SELECT so.id FROM organization so WHERE $1::uuid IS NULL OR so.id = $1::uuid OR so.path @> ARRAY[$1::uuid])
     AND e.status = 'published' AND e.ends_at >= $2::timestamptz
   ORDER BY e.starts_at, e.id LIMIT $3`;
