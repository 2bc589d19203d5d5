import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { IsAcceptablePassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/password-policy';
import { PageMetaDto, PageQueryDto } from '../../http/pagination';
import { trim } from '../../http/transforms';
import { Role, ROLES, User } from '../user.entity';
import { SingleLine } from '../../http/single-line';

/** A staff account as the API shows it (never the password hash). */
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organizationId: string | null;

  static from(u: Pick<User, 'id' | 'email' | 'fullName' | 'role' | 'organizationId'>): UserDto {
    return { id: u.id, email: u.email, fullName: u.fullName, role: u.role, organizationId: u.organizationId };
  }
}

/** A staff account as the user management shows it: the account and whether it may sign in. */
export class ManagedUserDto extends UserDto {
  /** False once deactivated: the user cannot log in and their tokens no longer work. */
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static override from(u: User): ManagedUserDto {
    return { ...UserDto.from(u), active: u.active, createdAt: u.createdAt.toISOString() };
  }
}

export class ManagedUserPageDto extends PageMetaDto {
  @ApiProperty({ type: [ManagedUserDto] }) items: ManagedUserDto[];
}

const email = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const roleMessage = { message: `role must be one of ${ROLES.join(', ')}` };

export class CreateUserDto {
  /** Login e-mail, unique. */
  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(email)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  /** At least 8 characters and not one of the most common passwords; stored as an argon2id hash only. */
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsAcceptablePassword()
  @SingleLine()
  password: string;

  /** Display name, e.g. `Nguyễn Văn A`. */
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'fullName must not be empty' })
  @MaxLength(200)
  fullName: string;

  /** admin: everything; organizer: events of their subtree; leader: reports; staff: check-in desk. An organizer may give leader or staff only. */
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, roleMessage)
  role: Role;

  /** The unit whose subtree the user may see and act on (an organizer: a unit of their own subtree). */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId: string;
}

/** Any subset; an organizer may change only leaders and staff of their subtree, and give only those roles and units. */
export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'fullName must be a string' })
  @SingleLine()
  @MinLength(1, { message: 'fullName must not be empty' })
  @MaxLength(200, { message: 'fullName must be at most 200 characters' })
  fullName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, roleMessage)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  /** false deactivates (the user's tokens and page sessions stop working at once); true reactivates. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;
}

const booleanQuery = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListUsersQueryDto extends PageQueryDto {
  /** Words of the name or e-mail (accents ignored). */
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'q must be a string' })
  @SingleLine()
  @MaxLength(200, { message: 'q must be at most 200 characters' })
  q?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, roleMessage)
  role?: Role;

  /** Users of this unit or any unit below it. */
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;
}
