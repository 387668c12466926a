import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

const reason = (status: number) =>
  (HttpStatus[status] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');

/** Sent with every 503: the conditions below are transient, a client may retry after a second. */
const RETRY_AFTER_SECONDS = '1';

const BUSY = 'The database is busy, please retry';
const DOWN = 'The database is unavailable, please retry';

/** PostgreSQL SQLSTATEs of a bounded wait that ran out, or of a server that is going away: retrying later can succeed. */
const UNAVAILABLE_CODES: Record<string, string> = {
  '57014': BUSY, // query_canceled: statement_timeout
  '55P03': BUSY, // lock_not_available: lock_timeout
  '25P03': BUSY, // idle_in_transaction_session_timeout: the server ended the session
  '53300': BUSY, // too_many_connections
  '57P01': DOWN, // admin_shutdown
  '57P02': DOWN, // crash_shutdown
  '57P03': DOWN, // cannot_connect_now (starting up, shutting down, recovering)
};

/** Socket-level failures reaching PostgreSQL. */
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Messages of pg-pool / pg for an exhausted pool or a lost connection (these errors carry no code). */
const UNAVAILABLE_MESSAGES: [RegExp, string][] = [
  [/timeout exceeded when trying to connect/i, BUSY], // pg-pool: no pooled connection within connectionTimeoutMillis
  [/connection terminated|connection timeout|not queryable|timeout expired/i, DOWN], // pg: the connection died or never opened
];

/**
 * The 503 message when `exception` (or what it wraps: TypeORM's `driverError`, an Error `cause`,
 * an AggregateError's `errors`) says the database is momentarily out of reach: pool acquire
 * timeout, statement / lock / idle-in-transaction timeout, server shutting down, connection refused
 * or lost. Null for everything else.
 */
export function databaseUnavailable(exception: unknown): string | null {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): string | null => {
    if (!e || typeof e !== 'object' || depth > 5 || seen.has(e)) return null;
    seen.add(e);
    const err = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
    // TypeORM: the transaction's connection was released under it (PostgreSQL went away mid-transaction).
    if ((e as { name?: unknown }).name === 'QueryRunnerAlreadyReleasedError') return DOWN;
    if (typeof err.code === 'string') {
      if (UNAVAILABLE_CODES[err.code]) return UNAVAILABLE_CODES[err.code];
      if (CONNECTION_ERROR_CODES.has(err.code)) return DOWN;
    }
    // Only errors that carry no SQLSTATE are matched by message: a constraint's text must never turn a 409 into a 503.
    if (typeof err.message === 'string' && !(typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code))) {
      for (const [pattern, message] of UNAVAILABLE_MESSAGES) if (pattern.test(err.message)) return message;
    }
    for (const inner of [err.driverError, err.cause, ...(Array.isArray(err.errors) ? err.errors : [])]) {
      const found = visit(inner, depth + 1);
      if (found) return found;
    }
    return null;
  };
  return visit(exception, 0);
}

/** Every error leaves as `{ statusCode, error, message }` (SPEC §9); unknown failures never leak internals. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode === 503) this.logger.warn(`${body.message}: ${exception instanceof Error ? exception.message : String(exception)}`);
    else if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (res.headersSent) return;
    if (body.statusCode === 503) res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      const message =
        typeof r === 'string' ? r : ((r as { message?: string | string[] }).message ?? exception.message);
      return { statusCode: status, error: reason(status), message };
    }
    const unavailable = databaseUnavailable(exception);
    if (unavailable) return { statusCode: 503, error: 'Service Unavailable', message: unavailable };
    if (exception instanceof QueryFailedError) {
      const code = (exception as QueryFailedError & { code?: string }).code;
      if (code === '23505') return { statusCode: 409, error: 'Conflict', message: 'A record with the same unique value already exists' };
      if (code === '23503') return { statusCode: 409, error: 'Conflict', message: 'The record is still referenced by other records' };
      if (code === '22P02') return { statusCode: 400, error: 'Bad Request', message: 'Invalid identifier or value' };
      if (code === '40001' || code === '40P01') return { statusCode: 409, error: 'Conflict', message: 'Concurrent update, please retry' };
    }
    // body-parser errors carry an HTTP status and a type (entity.too.large, entity.parse.failed, …).
    const e = exception as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message =
        e.type === 'entity.too.large'
          ? 'Request body is too large'
          : e.type === 'entity.parse.failed'
            ? 'Malformed JSON body'
            : (e.message ?? reason(status));
      return { statusCode: status, error: reason(status), message };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
  }
}
