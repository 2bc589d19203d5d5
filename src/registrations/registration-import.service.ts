import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService, auditActor } from '../audit/audit.service';
import { AuthUser } from '../auth/auth-user';
import { ConflictError, InvalidInputError, NotFoundError, RowError, UnprocessableFileError } from '../http/domain-errors';
import { OrganizationScopeService } from '../organizations/organization-scope.service';
import { ImportResultDto } from './dto/registration.dto';
import { detectKind, fold, ImportRow, parseRegistrationFile } from './registration-import.parser';
import { EventsService } from '../events/events.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { PersonalLinks } from './personal-links';
import { generateCheckInCode } from './registration-code';
import { RegistrationStatus } from './registration.entity';
import { NewRegistration, RegistrationsRepository } from './registrations.repository';
import { duplicateEmailError } from './registrations.service';

export interface UploadedImportFile {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

/**
 * Bulk import: all rows or none. Every problem of the file is reported at
 * once (422 with `errors: [{row, field, message}]`); a valid file is written
 * with one INSERT in one transaction.
 *
 * Capacity: on an open event delegates take the free seats in file order;
 * the rest wait when the event has a waiting list, otherwise the import is
 * refused with 409 and nothing is written. On an invite-only event everyone
 * starts `invited` and no seat is taken until they accept. No mail is sent:
 * the organizer sends invitations (with fresh personal links) afterwards.
 */
@Injectable()
export class RegistrationImportService {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly scope: OrganizationScopeService,
    private readonly links: PersonalLinks,
    private readonly events: EventsService,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  async import(user: AuthUser, eventId: string, file: UploadedImportFile | undefined): Promise<ImportResultDto> {
    const event = await this.events.findById(eventId);
    if (!event) throw new NotFoundError('Event', eventId);
    await this.scope.assertInScope(user, event.organizationId);
    if (event.status === 'cancelled') throw new ConflictError('the event is cancelled; registrations cannot be added', { eventStatus: event.status }, { code: 'registration.eventCancelled' });
    if (!file || !file.buffer?.length) throw new InvalidInputError('file', 'is required: send a CSV or XLSX file as multipart field "file"', { code: 'import.noFile' });
    const kind = detectKind(file.originalname ?? '', file.mimetype ?? '', file.buffer);
    if (!kind) throw new InvalidInputError('file', 'must be a .csv or .xlsx file', { code: 'import.kind' });

    const { rows, errors } = await parseRegistrationFile(kind, file.buffer);
    if (!errors.length && !rows.length) errors.push({ row: 2, field: 'file', message: 'the file has no data rows', code: 'noRows' });
    const units = await this.resolveUnits(user, rows, errors);
    this.findDuplicatesInFile(rows, errors);

    const issued = await Promise.all(rows.map(async () => {
      const id = randomUUID();
      return { id, ...(await this.links.issue(id)) };
    }));
    try {
      return await this.registrations.transaction(async (manager) => {
        const existing = await this.registrations.existingEmails(manager, eventId, rows.map((r) => r.email));
        for (const r of rows) {
          if (existing.has(r.email)) errors.push({ row: r.row, field: 'email', message: `${r.email} is already registered for this event`, code: 'emailRegistered', params: { email: r.email } });
        }
        if (errors.length) {
          errors.sort((a, b) => a.row - b.row);
          throw new UnprocessableFileError(`the file has ${errors.length} problem(s); nothing was imported`, errors);
        }
        const inviteOnly = event.registrationMode === 'invite_only';
        const delegates = inviteOnly ? 0 : rows.filter((r) => r.role === 'delegate').length;
        const granted = await this.registrations.takeSeats(manager, eventId, delegates);
        if (granted < delegates && !event.waitlist) {
          throw new ConflictError(
            `the file has ${delegates} delegates but only ${granted} seats are free and the event has no waiting list; nothing was imported`,
            { delegates, freeSeats: granted },
            { code: 'import.noSeats', params: { delegates, freeSeats: granted } },
          );
        }
        let seatsLeft = granted;
        const counts = { confirmed: 0, invited: 0, waitlisted: 0 };
        const toInsert: NewRegistration[] = rows.map((r, i) => {
          let status: RegistrationStatus;
          if (inviteOnly) status = 'invited';
          else if (r.role !== 'delegate') status = 'confirmed';
          else status = seatsLeft-- > 0 ? 'confirmed' : 'waitlisted';
          counts[status as keyof typeof counts]++;
          return {
            eventId,
            fullName: r.fullName,
            email: r.email,
            phone: r.phone,
            position: r.position,
            organizationId: units.get(r.row) ?? null,
            role: r.role,
            language: r.language ?? 'vi',
            status,
            source: 'import',
            // Derived, never stored: the invitation mail will carry this registration's link.
            id: issued[i].id,
            tokenHash: issued[i].tokenHash,
            code: generateCheckInCode(),
            createdById: user.id,
          };
        });
        await this.registrations.insertMany(manager, toInsert);
        // One entry per file, with its counts (not one per row).
        await this.audit.record(manager, {
          actor: auditActor(user),
          action: 'registration.import',
          entity: 'event',
          entityId: eventId,
          organizationId: event.organizationId,
          changes: { file: file.originalname ?? null, imported: toInsert.length, ...counts },
        });
        return { imported: toInsert.length, ...counts };
      });
    } catch (err) {
      // A registration added while the file was being checked.
      throw duplicateEmailError(err, 'an e-mail of the file') ?? err;
    }
  }

  /** Units by name, short name or abbreviation (accents and case ignored), within the user's subtree; one query. */
  private async resolveUnits(user: AuthUser, rows: ImportRow[], errors: RowError[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (!rows.some((r) => r.organization)) return out;
    const byName = new Map<string, Set<string>>();
    for (const o of await this.organizations.unitsInSubtree(this.scope.scopeRoot(user))) {
      for (const label of [o.name, o.abbreviation, o.shortName]) {
        if (!label) continue;
        const key = fold(label);
        if (!byName.has(key)) byName.set(key, new Set());
        byName.get(key)!.add(o.id);
      }
    }
    for (const r of rows) {
      if (!r.organization) continue;
      const ids = byName.get(fold(r.organization));
      if (!ids) errors.push({ row: r.row, field: 'organization', message: `"${r.organization}" is not a unit of your organization (name or abbreviation)`, code: 'unknownUnit', params: { value: r.organization } });
      else if (ids.size > 1) errors.push({ row: r.row, field: 'organization', message: `"${r.organization}" matches ${ids.size} units; use the full name`, code: 'ambiguousUnit', params: { value: r.organization, count: ids.size } });
      else out.set(r.row, [...ids][0]);
    }
    return out;
  }

  private findDuplicatesInFile(rows: ImportRow[], errors: RowError[]): void {
    const seen = new Map<string, number>();
    for (const r of rows) {
      if (!r.email) continue;
      const first = seen.get(r.email);
      if (first !== undefined) errors.push({ row: r.row, field: 'email', message: `${r.email} appears again (first on row ${first})`, code: 'emailRepeated', params: { email: r.email, first } });
      else seen.set(r.email, r.row);
    }
  }
}
