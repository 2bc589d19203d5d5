import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { viPersonOrder } from '../../database/vietnamese-order';
import type { Locale } from '../i18n/i18n';

/** A unit's name in the page language ($2): the English name on English pages where there is one. */
const UNIT_NAME = `CASE WHEN $2 = 'en' AND coalesce(name_en, '') <> '' THEN name_en ELSE name END`;

/** A unit as a select option or a label on the pages. */
export interface UnitOption {
  id: string;
  name: string;
}

/** One row of the quota page: a unit with a quota, or with registrations but no quota (seats null). */
export interface QuotaRow {
  organizationId: string | null;
  name: string | null;
  seats: number | null;
  confirmed: number;
  checkedIn: number;
  invited: number;
  waitlisted: number;
}

/**
 * Small read queries the registration, delegate and desk pages need and no
 * domain service offers (unit labels, the per-unit quota table). Read-only;
 * callers check scope through the domain services first.
 */
@Injectable()
export class RegistrationPageQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Units of the subtree of `rootId` (the event's organizer unit): the organizer unit first, then
   * the others in Vietnamese order; named in the page language (the English name where there is one).
   */
  unitsOfSubtree(rootId: string, locale: Locale = 'vi'): Promise<UnitOption[]> {
    return this.db.query(
      `SELECT id, ${UNIT_NAME} AS name FROM organization WHERE id = $1 OR path @> ARRAY[$1]::uuid[]
        ORDER BY (id = $1) DESC, ${UNIT_NAME} COLLATE vi, id`,
      [rootId, locale],
    );
  }

  /** Labels for every unit the desk may have to show: the organizer subtree and the units of the event's registrations. */
  unitsForDesk(eventId: string, rootId: string, locale: Locale = 'vi'): Promise<UnitOption[]> {
    return this.db.query(
      `SELECT id, ${UNIT_NAME.replace('$2', '$3')} AS name FROM organization
        WHERE id = $2 OR path @> ARRAY[$2]::uuid[]
           OR id IN (SELECT organization_id FROM registration WHERE event_id = $1 AND organization_id IS NOT NULL)
        ORDER BY ${UNIT_NAME.replace('$2', '$3')} COLLATE vi, id`,
      [eventId, rootId, locale],
    );
  }

  /** Each of `ids` (registrations of the event) with its first check-in (door or session): when, and its id (to undo it). */
  async checkIns(eventId: string, ids: string[]): Promise<Map<string, { at: Date; checkInId: string }>> {
    if (!ids.length) return new Map();
    const rows: { id: string; at: Date; checkInId: string }[] = await this.db.query(
      `SELECT DISTINCT ON (registration_id) registration_id AS id, checked_in_at AS at, id AS "checkInId"
         FROM check_in WHERE event_id = $1 AND registration_id = ANY($2::uuid[])
        ORDER BY registration_id, (session_id IS NOT NULL), checked_in_at`,
      [eventId, ids],
    );
    return new Map(rows.map((r) => [r.id, { at: r.at, checkInId: r.checkInId }]));
  }

  /** The waiting list of the event (ids), to tell after a cancellation who moved up. */
  async waitlistedIds(eventId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM registration WHERE event_id = $1 AND status = 'waitlisted'`, [eventId]);
    return rows.map((r) => r.id);
  }

  /** Those of `ids` (registrations of the event) that are confirmed now. */
  async confirmedIds(eventId: string, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM registration WHERE event_id = $1 AND id = ANY($2::uuid[]) AND status = 'confirmed'`, [eventId, ids]);
    return rows.map((r) => r.id);
  }

  /** Names of those of `ids` (registrations of the event) that are confirmed now, in Vietnamese order. */
  async confirmedNames(eventId: string, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows: { name: string }[] = await this.db.query(
      `SELECT full_name AS name FROM registration WHERE event_id = $1 AND id = ANY($2::uuid[]) AND status = 'confirmed' ORDER BY ${viPersonOrder('full_name')}`,
      [eventId, ids],
    );
    return rows.map((r) => r.name);
  }

  /**
   * Quota seats against the event's delegates per unit (the unit itself, not
   * its sub-units, which may have quotas of their own): confirmed, of those
   * checked in, invited and waiting. Units without a quota but with
   * registrations are listed too, and the registrations without a unit.
   */
  quotaTable(eventId: string): Promise<QuotaRow[]> {
    return this.db.query(
      `WITH q AS (SELECT organization_id, seats FROM event_quota WHERE event_id = $1),
            r AS (
              SELECT r.organization_id,
                     count(*) FILTER (WHERE r.status = 'confirmed')::int AS confirmed,
                     count(*) FILTER (WHERE r.status = 'confirmed' AND EXISTS (SELECT 1 FROM check_in c WHERE c.registration_id = r.id))::int AS "checkedIn",
                     count(*) FILTER (WHERE r.status = 'invited')::int AS invited,
                     count(*) FILTER (WHERE r.status = 'waitlisted')::int AS waitlisted
                FROM registration r
               WHERE r.event_id = $1 AND r.role = 'delegate'
               GROUP BY r.organization_id)
       SELECT COALESCE(q.organization_id, r.organization_id) AS "organizationId", o.name, q.seats,
              COALESCE(r.confirmed, 0) AS confirmed, COALESCE(r."checkedIn", 0) AS "checkedIn",
              COALESCE(r.invited, 0) AS invited, COALESCE(r.waitlisted, 0) AS waitlisted
         FROM q FULL JOIN r ON r.organization_id = q.organization_id
         LEFT JOIN organization o ON o.id = COALESCE(q.organization_id, r.organization_id)
        ORDER BY o.name COLLATE vi NULLS LAST, 1`,
      [eventId],
    );
  }
}
