import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SPEAKER_ROLES = ['presenter', 'moderator'] as const;
export type SpeakerRole = (typeof SPEAKER_ROLES)[number];

/**
 * A speaker on a session. The table also holds `during` (the session's
 * tstzrange, written only by SessionsRepository in SQL) under an exclusion
 * constraint that refuses a speaker in two overlapping active sessions.
 */
@Entity('session_speaker')
export class SessionSpeaker {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @PrimaryColumn({ type: 'uuid' })
  speakerId: string;

  @Column({ type: 'varchar', default: 'presenter' })
  role: SpeakerRole;

  /** False once the event is cancelled: the speaker is free again. */
  @Column({ default: true })
  active: boolean;

  @Column({ type: 'int', default: 0 })
  sortOrder: number;
}
