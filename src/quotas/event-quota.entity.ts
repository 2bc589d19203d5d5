import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { TrainingEvent } from '../events/event.entity';
import { Organization } from '../organizations/organization.entity';

/** How many delegates a unit is asked to send to an event. */
@Entity('event_quota')
@Check('event_quota_seats_check', 'seats >= 0')
export class EventQuota {
  @ForeignKey(() => TrainingEvent, { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  eventId: string;

  @Index('idx_event_quota_organization_id')
  @ForeignKey(() => Organization, { onDelete: 'RESTRICT' })
  @PrimaryColumn({ type: 'uuid' })
  organizationId: string;

  @Column({ type: 'int' })
  seats: number;
}
