import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';

/** A route parameter that must be a UUID; a bad one is a 400 naming the parameter. */
export const UuidParam = (name = 'id') =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException([`${name} must be a UUID`]) }));
