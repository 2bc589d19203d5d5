import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { Role, ROLES, User } from '../user.entity';

/** A staff account as the API shows it (never the password hash). */
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organizationId: string | null;

  static from(u: User): UserDto {
    return { id: u.id, email: u.email, fullName: u.fullName, role: u.role, organizationId: u.organizationId };
  }
}

export class CreateUserDto {
  /** Login e-mail, unique. */
  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email: string;

  /** At least 8 characters; stored as an argon2id hash only. */
  @ApiProperty({ minLength: 8, maxLength: 200 })
  @IsString()
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @MaxLength(200)
  password: string;

  /** Display name, e.g. `Nguyễn Văn A`. */
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1, { message: 'fullName must not be empty' })
  @MaxLength(200)
  fullName: string;

  /** admin: everything; organizer: events of their subtree; leader: reports; staff: check-in desk. */
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  /** The unit whose subtree the user may see and act on. */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId: string;
}
