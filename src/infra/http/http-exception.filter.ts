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

/** Every error leaves as `{ statusCode, error, message }` (SPEC §9); unknown failures never leak internals. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (res.headersSent) return;
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
