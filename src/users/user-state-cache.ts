import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { redisOptions } from '../queue/redis';
import type { Role } from './user.entity';
import { User } from './user.entity';

/** What each request needs to know of its user, read fresh rather than trusted from the token. */
export interface UserState {
  id: string;
  email: string;
  fullName: string;
  role: Role;
  organizationId: string | null;
  active: boolean;
  sessionVersion: number;
}

/** A safety net only (invalidation is by message): an entry is re-read after this long anyway. */
const MAX_AGE_MS = 60_000;
/** Desk clerks, organizers and leaders of a province fit many times over. */
const MAX_ENTRIES = 20_000;

/**
 * The current state of users (active, role, unit, session version), checked on every request so
 * that a deactivation, a role or unit change, a password change or "sign out everywhere" takes
 * effect on the very next request, API token and page session alike.
 *
 * Why a cache and not a read per request: the check-in path (POST /events/:id/check-ins) is one
 * SQL statement per scan at thousands of scans a minute; a second round trip for the user would
 * cost it far more than the 5 % the issue allows. Folding the check into that statement was the
 * other way, but it would tie the user domain into the check-in SQL (and the bench's raw server
 * that runs the same statement), and every other endpoint would still need its own read. So each
 * process keeps the few users who are active right now in memory, and forgets one the moment it
 * changes:
 * - the process that commits a change forgets the user at once and publishes the user's id on a
 *   Redis channel; every replica (API processes behind the load balancer) forgets it on receipt,
 *   so the next request there reads the database;
 * - the cache is used only while this process's subscription is up. When the subscriber
 *   connection drops (Redis outage), messages could be missed, so the cache is emptied and every
 *   request reads the database until the subscription is back: an outage costs speed, never
 *   correctness;
 * - a read that started before an invalidation arrived is not stored (an epoch counter), so a
 *   stale row cannot be put back after the message that should have removed it;
 * - entries are re-read after MAX_AGE_MS regardless.
 * The only window left is the time a message takes to cross Redis (milliseconds) to another
 * replica; the replica that made the change refuses on its next request.
 */
@Injectable()
export class UserStateCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UserStateCache.name);
  private readonly entries = new Map<string, { state: UserState | null; at: number }>();
  private readonly channel: string;
  private readonly sub: Redis;
  private readonly pub: Redis;
  private epoch = 0;
  private listening = false;
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {
    this.channel = `${config.queuePrefix}:user-state-changed`;
    const base = { ...(redisOptions(config.redisUrl) as object), lazyConnect: true };
    this.sub = new Redis({ ...base, maxRetriesPerRequest: null });
    // Fail fast while Redis is away: a change must not hang on its notification.
    this.pub = new Redis({ ...base, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000 });
    this.sub.on('message', (channel: string, userId: string) => {
      if (channel === this.channel) this.forget(userId);
    });
    // Re-subscribed (ioredis does it on reconnect): what happened meanwhile is unknown, so start empty.
    this.sub.on('ready', () => {
      this.clear();
      this.listening = true;
    });
    const down = (reason: string) => {
      if (this.listening && !this.closing) this.logger.warn(`user state notifications unavailable (${reason}); reading users from the database on each request until Redis is back`);
      this.listening = false;
      this.clear();
    };
    this.sub.on('error', (err: Error) => down(err.message));
    this.sub.on('close', () => down('connection closed'));
    this.pub.on('error', () => undefined);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.pub.connect().catch(() => undefined), this.sub.connect().catch(() => undefined)]);
    await this.sub.subscribe(this.channel).catch((err: Error) => this.logger.warn(`could not subscribe to ${this.channel}: ${err.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.sub.disconnect();
    this.pub.disconnect();
  }

  /** The user's current state (null when the user does not exist). */
  async get(id: string): Promise<UserState | null> {
    const hit = this.listening ? this.entries.get(id) : undefined;
    if (hit && Date.now() - hit.at < MAX_AGE_MS) return hit.state;
    const epoch = this.epoch;
    const row = await this.users.findOne({
      where: { id },
      select: { id: true, email: true, fullName: true, role: true, organizationId: true, active: true, sessionVersion: true },
    });
    const state: UserState | null = row
      ? { id: row.id, email: row.email, fullName: row.fullName, role: row.role, organizationId: row.organizationId, active: row.active, sessionVersion: row.sessionVersion }
      : null;
    if (this.listening && epoch === this.epoch) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { state, at: Date.now() });
    }
    return state;
  }

  /** After a change to the user has committed: forgotten here at once, and on every replica. */
  async changed(id: string): Promise<void> {
    this.forget(id);
    await this.pub.publish(this.channel, id).catch((err: Error) => this.logger.warn(`could not notify other replicas that user ${id} changed (${err.message})`));
  }

  private forget(id: string): void {
    this.epoch++;
    this.entries.delete(id);
  }

  private clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}
