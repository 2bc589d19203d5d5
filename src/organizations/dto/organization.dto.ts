import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Organization } from '../organization.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) abbreviation: string | null;
  @ApiProperty({ nullable: true, type: String }) locality: string | null;
  @ApiProperty({ nullable: true, type: String }) shortName: string | null;
  @ApiProperty({ nullable: true, type: String }) nameEn: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId: string | null;
  /** Ancestors' ids, root first. */
  @ApiProperty({ type: [String] }) path: string[];

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
  @ApiProperty()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(300)
  name: string;

  @ApiPropertyOptional({ example: 'LĐLĐ' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(50)
  abbreviation?: string;

  @ApiPropertyOptional({ example: 'tỉnh Bình Dương' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  locality?: string;

  @ApiPropertyOptional({ example: 'LĐLĐ tỉnh' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  shortName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(300)
  nameEn?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a UUID' })
  parentId?: string;
}

export class UpdateOrganizationDto extends PartialType(CreateOrganizationDto) {}

export class ListOrganizationsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a UUID' })
  parentId?: string;
}
