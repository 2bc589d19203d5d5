import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { INT4_MAX } from '../../http/validation';

/** One unit's quota in PUT /events/:id/quotas. */
export class QuotaItemDto {
  /** A unit in the organizer unit's subtree. */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId: string;

  /** Delegates the unit is asked to send. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: INT4_MAX })
  @IsInt({ message: 'seats must be an integer' })
  @Min(0, { message: 'seats must be at least 0' })
  @Max(INT4_MAX)
  seats: number;
}

export class QuotaDto {
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  /** The unit's name, for tables and reports. */
  @ApiProperty() organizationName: string;
  @ApiProperty() seats: number;
}
