import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { JobName, JobPayloads } from './jobs';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository, OutboxRow } from './outbox.repository';

/**
 * The one way to cause a job: a row in the caller's transaction. The job
 * reaches BullMQ only if that transaction commits, and reaches it even if
 * Redis is down at that moment (the relay retries).
 */
@Injectable()
export class OutboxService implements OnModuleInit, EntitySubscriberInterface {
  // Transactions that added rows, so the relay is nudged right after they commit.
  private readonly pendingCommits = new WeakSet<QueryRunner>();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  /**
   * Adds job `job` inside `manager`'s transaction. Its BullMQ id is
   * `${job}-${key ?? rowId}`: the same key twice is one row and one job.
   * `runAt` delays the job until then.
   */
  async add<J extends JobName>(
    manager: EntityManager,
    job: J,
    payload: JobPayloads[J],
    opts?: { key?: string; runAt?: Date },
  ): Promise<void> {
    await this.outbox.insert(manager, this.row(job, payload, opts));
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) this.pendingCommits.add(runner);
    else this.relay.nudge();
  }

  /** Adds prepared rows (see row()) in one statement inside `manager`'s transaction; relayed after it commits. */
  async addMany(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    if (!rows.length) return;
    await this.outbox.insertMany(manager, rows);
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) this.pendingCommits.add(runner);
    else this.relay.nudge();
  }

  /**
   * The outbox row add() would insert, for a caller that writes it inside
   * one larger statement of its own (it then calls written() once that
   * statement has committed).
   */
  row<J extends JobName>(job: J, payload: JobPayloads[J], opts?: { key?: string; runAt?: Date }): OutboxRow {
    const key = opts?.key;
    if (key !== undefined && (key === '' || key.includes(':'))) {
      // BullMQ forbids ':' in job ids; silently replacing it could merge two different keys.
      throw new Error(`outbox key must be non-empty and contain no ':' (got "${key}")`);
    }
    const id = randomUUID();
    return { id, jobName: job, payload, dedupKey: key ?? null, jobId: `${job}-${key ?? id}`, runAt: opts?.runAt ?? null };
  }

  /** Rows prepared with row() were committed by the caller's own statement: relay them now. */
  written(): void {
    this.relay.nudge();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (this.pendingCommits.delete(event.queryRunner)) this.relay.nudge();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pendingCommits.delete(event.queryRunner);
  }
}
