import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../http/pagination';
import { Speaker } from '../speaker.entity';
import { trim } from '../../http/transforms';
import { MultiLine, SingleLine } from '../../http/single-line';


export class SpeakerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Nguyễn Văn Hoài' }) fullName: string;
  @ApiProperty({ nullable: true, type: String, example: 'đồng chí' }) honorific: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Phó Trưởng ban' }) position: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Ban Tuyên giáo Tỉnh ủy' }) affiliation: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) bio: string | null;
  /** The unit whose directory holds the speaker; null = global (admin). */
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) organizationId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(s: Speaker): SpeakerDto {
    return {
      id: s.id,
      fullName: s.fullName,
      honorific: s.honorific,
      position: s.position,
      affiliation: s.affiliation,
      email: s.email,
      phone: s.phone,
      bio: s.bio,
      organizationId: s.organizationId,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}

export class CreateSpeakerDto {
  @ApiProperty({ example: 'Nguyễn Văn Hoài', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'fullName must not be empty' })
  @MaxLength(200)
  fullName: string;

  @ApiPropertyOptional({ example: 'đồng chí', maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(100)
  honorific?: string;

  @ApiPropertyOptional({ example: 'Phó Trưởng ban', maxLength: 300 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(300)
  position?: string;

  @ApiPropertyOptional({ example: 'Ban Tuyên giáo Tỉnh ủy', maxLength: 300 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(300)
  affiliation?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 254 })
  @IsOptional()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(50)
  phone?: string;

  @ApiPropertyOptional({ maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MultiLine()
  @MaxLength(10000)
  bio?: string;

  /** Whose directory holds the speaker; default your own unit. Must be in your subtree. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;
}

export class UpdateSpeakerDto extends PartialType(CreateSpeakerDto) {}

export class ListSpeakersQueryDto extends PageQueryDto {
  /** Accent-insensitive name search: `nguyen hoai` finds `Nguyễn Văn Hoài`. */
  @ApiPropertyOptional({ example: 'nguyen hoai', maxLength: 200 })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MaxLength(200)
  q?: string;
}

export class SpeakerPageDto extends PageMetaDto {
  @ApiProperty({ type: [SpeakerDto] }) items: SpeakerDto[];
}
