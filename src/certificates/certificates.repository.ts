import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** What a certificate states about a registration: who, which event, which unit, when present. */
export interface CertificateFacts {
  registrationId: string;
  fullName: string;
  status: string;
  eventTitle: string;
  eventTitleEn: string | null;
  eventStartsAt: Date;
  eventEndsAt: Date;
  timezone: string;
  venue: string | null;
  organizationName: string | null;
  /** The first check-in; null when the registration was never checked in. */
  firstCheckInAt: Date | null;
}

// A certificate is a statement about a registration, its event, its unit and its check-ins: one
// read of those tables (by primary keys and the check-in index) instead of four services' rows.
const FACTS = `
  SELECT r.id AS "registrationId", r.full_name AS "fullName", r.status, e.title AS "eventTitle", e.title_en AS "eventTitleEn",
         e.starts_at AS "eventStartsAt", e.ends_at AS "eventEndsAt", e.timezone, e.venue, o.name AS "organizationName",
         (SELECT min(c.checked_in_at) FROM check_in c WHERE c.event_id = r.event_id AND c.registration_id = r.id) AS "firstCheckInAt"
    FROM registration r JOIN event e ON e.id = r.event_id LEFT JOIN organization o ON o.id = r.organization_id`;

const KEY_NAME = 'certificate';

@Injectable()
export class CertificatesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async facts(registrationId: string): Promise<CertificateFacts | null> {
    const [row] = await this.db.query(`${FACTS} WHERE r.id = $1`, [registrationId]);
    return row ?? null;
  }

  /** The facts of the certificate whose code hashes to `hash`; null when none was issued. */
  async factsByCodeHash(hash: Buffer): Promise<CertificateFacts | null> {
    const [row] = await this.db.query(`${FACTS} JOIN certificate cert ON cert.registration_id = r.id WHERE cert.code_hash = $1`, [hash]);
    return row ?? null;
  }

  /** Records the certificate (again: the code is derived, so re-issuing stores the same hash). */
  async issue(registrationId: string, codeHash: Buffer): Promise<void> {
    await this.db.query(
      `INSERT INTO certificate (registration_id, code_hash) VALUES ($1, $2)
       ON CONFLICT (registration_id) DO UPDATE SET code_hash = EXCLUDED.code_hash WHERE certificate.code_hash <> EXCLUDED.code_hash`,
      [registrationId, codeHash],
    );
  }

  /** The app's random certificate key (kept in app_secret, as the personal links' key, when no JWT_SECRET is configured). */
  async storedKey(): Promise<Buffer> {
    await this.db.query(`INSERT INTO app_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [KEY_NAME, randomBytes(32)]);
    const [row]: { value: Buffer }[] = await this.db.query(`SELECT value FROM app_secret WHERE name = $1`, [KEY_NAME]);
    return row.value;
  }
}
