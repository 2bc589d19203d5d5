import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { Organization } from '../organization.entity';
import { trim } from '../../http/transforms';
import { SingleLine } from '../../http/single-line';

// Optional texts: blank means absent, stored as null rather than ''.
const trimToNull = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);

/** A unit of the hierarchy as the API shows it. */
export class OrganizationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) abbreviation: string | null;
  @ApiProperty({ nullable: true, type: String }) locality: string | null;
  @ApiProperty({ nullable: true, type: String }) shortName: string | null;
  @ApiProperty({ nullable: true, type: String }) nameEn: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId: string | null;
  /** Ancestors' ids, root first; empty for a top-level unit. */
  @ApiProperty({ type: [String], format: 'uuid', description: "ancestors' ids, root first" }) path: string[];

  static from(o: Organization): OrganizationDto {
    return {
      id: o.id,
      name: o.name,
      abbreviation: o.abbreviation,
      locality: o.locality,
      shortName: o.shortName,
      nameEn: o.nameEn,
      parentId: o.parentId,
      path: o.path,
    };
  }
}

export class CreateOrganizationDto {
  /** Full Vietnamese name, e.g. `Liên đoàn Lao động tỉnh Bình Dương`. */
  @ApiProperty({ minLength: 1, maxLength: 300 })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(300)
  name: string;

  @ApiPropertyOptional({ example: 'LĐLĐ', maxLength: 50 })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @SingleLine()
  @MaxLength(50)
  abbreviation?: string;

  @ApiPropertyOptional({ example: 'tỉnh Bình Dương', maxLength: 200 })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @SingleLine()
  @MaxLength(200)
  locality?: string;

  @ApiPropertyOptional({ example: 'LĐLĐ tỉnh', maxLength: 100 })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @SingleLine()
  @MaxLength(100)
  shortName?: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @SingleLine()
  @MaxLength(300)
  nameEn?: string;

  /** The parent unit; omitted or null for a top-level unit (admin only). */
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a UUID' })
  parentId?: string | null;
}

/**
 * PATCH: only the fields sent change. Optional fields accept null to clear
 * them; `name` cannot be cleared; `parentId: null` moves the unit to the top
 * (admin only), a uuid moves it with its whole subtree.
 */
export class UpdateOrganizationDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 300 })
  // Not @IsOptional(): that would let null through to a NOT NULL column.
  @ValidateIf((_, v) => v !== undefined)
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @SingleLine()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 50 })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @SingleLine()
  @MaxLength(50)
  abbreviation?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @SingleLine()
  @MaxLength(200)
  locality?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 100 })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @SingleLine()
  @MaxLength(100)
  shortName?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 300 })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @SingleLine()
  @MaxLength(300)
  nameEn?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a UUID' })
  parentId?: string | null;
}

export class ListOrganizationsQueryDto {
  /** Only the direct children of this unit. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a UUID' })
  parentId?: string;
}
