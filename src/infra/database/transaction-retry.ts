import { DataSource, EntityManager } from 'typeorm';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/** Runs `work` in a transaction, retrying a few times when PostgreSQL aborts it for a conflict. */
export async function withTransactionRetry<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await ds.transaction(work);
    } catch (e) {
      const code = (e as { code?: string }).code ?? (e as { driverError?: { code?: string } }).driverError?.code;
      if (!code || !RETRYABLE.has(code) || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 10 * 2 ** i + Math.random() * 20));
    }
  }
}
