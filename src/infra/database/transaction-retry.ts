const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/** PostgreSQL aborted the transaction for a conflict: running it again may succeed. */
export function isRetryableTransactionError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? (e as { driverError?: { code?: string } }).driverError?.code;
  return !!code && RETRYABLE.has(code);
}

/** @deprecated use UnitOfWork.run (kept until every writer has moved to it). */
export async function withTransactionRetry<T>(ds: import('typeorm').DataSource, work: (em: import('typeorm').EntityManager) => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await ds.transaction(work);
    } catch (e) {
      if (!isRetryableTransactionError(e) || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 10 * 2 ** i + Math.random() * 20));
    }
  }
}
