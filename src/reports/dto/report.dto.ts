import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const RATE = { minimum: 0, maximum: 1, description: 'checked-in confirmed delegates / confirmed delegates (0 when none confirmed)' };

export class ReportEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) titleEn: string | null;
  @ApiProperty() status: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ example: 'Asia/Ho_Chi_Minh' }) timezone: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ nullable: true, type: String }) venue: string | null;
}

export class EventTotalsDto {
  @ApiProperty() invited: number;
  /** Confirmed registrations, all roles. */
  @ApiProperty() confirmed: number;
  @ApiProperty() waitlisted: number;
  @ApiProperty() declined: number;
  @ApiProperty() cancelled: number;
  /** Confirmed registrations (all roles) with a check-in at the door or at a session. */
  @ApiProperty() checkedIn: number;
  /** Confirmed registrations not checked in. */
  @ApiProperty() noShow: number;
  @ApiProperty() confirmedDelegates: number;
  @ApiProperty() checkedInDelegates: number;
  @ApiProperty(RATE) attendanceRate: number;
}

export class EventOrganizationRowDto {
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId: string | null;
  /** Depth in the hierarchy (0 = a root unit). */
  @ApiProperty() depth: number;
  /** The unit's own quota for this event; null when it has none. */
  @ApiProperty({ nullable: true, type: Number }) quota: number | null;
  /** Confirmed delegates of the unit and its descendants. */
  @ApiProperty() confirmed: number;
  /** Checked-in confirmed delegates of the unit and its descendants. */
  @ApiProperty() checkedIn: number;
  @ApiProperty(RATE) attendanceRate: number;
  /** Whether the confirmed delegates are fewer than the quota. */
  @ApiProperty() underQuota: boolean;
}

export class EventRoleRowDto {
  @ApiProperty({ enum: ['delegate', 'official', 'guest', 'press'] }) role: string;
  @ApiProperty() confirmed: number;
  @ApiProperty() checkedIn: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'checked in / confirmed of this role' }) attendanceRate: number;
}

export class EventSessionRowDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty() checkedIn: number;
}

export class EventReportDto {
  @ApiProperty({ type: ReportEventDto }) event: ReportEventDto;
  @ApiProperty({ type: EventTotalsDto }) totals: EventTotalsDto;
  @ApiProperty({ type: [EventOrganizationRowDto] }) byOrganization: EventOrganizationRowDto[];
  @ApiProperty({ type: [EventRoleRowDto] }) byRole: EventRoleRowDto[];
  @ApiProperty({ type: [EventSessionRowDto] }) bySession: EventSessionRowDto[];
}

export class AttendanceQueryDto {
  /** The subtree's root; default the caller's unit (an admin without one: the whole tree). */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  /** First day of the period (inclusive, in each event's time zone); default the first day of the month 11 months ago. */
  @ApiPropertyOptional({ format: 'date', example: '2026-01-01', pattern: DATE.source })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  /** Last day of the period (inclusive); default the last day of the current month. At most 5 years after `from`. */
  @ApiPropertyOptional({ format: 'date', example: '2026-12-31', pattern: DATE.source })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;
}

export class AttendanceOrganizationRowDto {
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() name: string;
  /** true for the root unit's own delegates (not its sub-units'); other rows are the root's children, each with its subtree. */
  @ApiProperty() self: boolean;
  /** Seats asked of the unit and its descendants over the period's events; null when none. */
  @ApiProperty({ nullable: true, type: Number }) quota: number | null;
  @ApiProperty() confirmed: number;
  @ApiProperty() checkedIn: number;
  @ApiProperty(RATE) attendanceRate: number;
}

export class AttendanceMonthDto {
  @ApiProperty({ example: '2026-03' }) month: string;
  @ApiProperty() events: number;
  @ApiProperty() confirmed: number;
  @ApiProperty() checkedIn: number;
  @ApiProperty(RATE) attendanceRate: number;
}

export class AttendanceStatusDto {
  @ApiProperty({ enum: ['draft', 'published', 'completed', 'cancelled'] }) status: string;
  @ApiProperty() events: number;
}

export class UnderQuotaDto {
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() name: string;
  /** Events of the period that asked the unit for delegates. */
  @ApiProperty() events: number;
  /** Of those, how many it sent fewer confirmed delegates than asked. */
  @ApiProperty() under: number;
  /** Seats left empty over those events. */
  @ApiProperty() shortfall: number;
}

export class AttendanceEventRowDto {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) titleEn: string | null;
  @ApiProperty() status: string;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty() timezone: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() confirmed: number;
  @ApiProperty() checkedIn: number;
  @ApiProperty(RATE) attendanceRate: number;
}

export class AttendanceReportDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organizationId: string | null;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  /** Published or completed events of the period that concern the subtree (organized in it, or with its delegates or quotas), among those the caller may read. */
  @ApiProperty() events: number;
  @ApiProperty() confirmed: number;
  @ApiProperty() checkedIn: number;
  @ApiProperty(RATE) attendanceRate: number;
  @ApiProperty({ type: [AttendanceOrganizationRowDto] }) byOrganization: AttendanceOrganizationRowDto[];
  @ApiProperty({ type: [AttendanceMonthDto] }) byMonth: AttendanceMonthDto[];
  @ApiProperty({ type: [AttendanceStatusDto] }) byStatus: AttendanceStatusDto[];
  /** Up to 10 units of the subtree most often below their quota. */
  @ApiProperty({ type: [UnderQuotaDto] }) underQuota: UnderQuotaDto[];
  /** The period's events (all statuses), newest first, at most 200. */
  @ApiProperty({ type: [AttendanceEventRowDto] }) byEvent: AttendanceEventRowDto[];
}

export class ExportQueryDto {
  /** Language of the headers and words in the file; default vi. */
  @ApiPropertyOptional({ enum: ['vi', 'en'] })
  @IsOptional()
  @IsIn(['vi', 'en'], { message: 'lang must be vi or en' })
  lang?: 'vi' | 'en';
}
