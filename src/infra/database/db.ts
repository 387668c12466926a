import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EntityManager } from 'typeorm';

/**
 * The database as repositories see it: the open transaction's connection when the caller is
 * inside a unit of work (found through async context, never passed by hand), the pool's
 * otherwise. Nothing can take a second connection while a transaction is open: that is what
 * wedged the pool when the handle was a parameter someone could forget.
 */
@Injectable()
export class Db {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  get manager(): EntityManager {
    return this.txHost.tx;
  }

  get inTransaction(): boolean {
    return this.txHost.isTransactionActive();
  }

  /** For statements that only make sense under a transaction (row locks, multi-statement writes). */
  get txManager(): EntityManager {
    if (!this.txHost.isTransactionActive()) throw new Error('This statement must run inside a unit of work');
    return this.txHost.tx;
  }

  /** Runs `work` outside any open transaction (e.g. reads that must see committed data only). */
  outside<T>(work: () => Promise<T>): Promise<T> {
    return this.txHost.withoutTransaction(work);
  }
}
