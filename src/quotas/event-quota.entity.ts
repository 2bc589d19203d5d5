import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How many delegates a unit is asked to send to an event. */
@Entity('event_quota')
export class EventQuota {
  @PrimaryColumn({ type: 'uuid' })
  eventId: string;

  @PrimaryColumn({ type: 'uuid' })
  organizationId: string;

  @Column({ type: 'int' })
  seats: number;
}
