const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/** PostgreSQL aborted the transaction for a conflict: running it again may succeed. */
export function isRetryableTransactionError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? (e as { driverError?: { code?: string } }).driverError?.code;
  return !!code && RETRYABLE.has(code);
}

