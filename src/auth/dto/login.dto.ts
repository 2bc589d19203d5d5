import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { UserDto } from '../../users/dto/user.dto';
import { SingleLine } from '../../http/single-line';

export class LoginDto {
  /** The account's e-mail, in any case. */
  @ApiProperty({ example: 'admin@example.org', format: 'email' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString({ message: 'password must be a string' })
  @SingleLine()
  @IsNotEmpty({ message: 'password must not be empty' })
  @MaxLength(200, { message: 'password must be at most 200 characters' })
  password: string;
}

export class LoginResponseDto {
  /** Send as `Authorization: Bearer <accessToken>`; valid for 12 hours. */
  @ApiProperty()
  accessToken: string;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}
