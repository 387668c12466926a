import { ArgumentsHost, ConflictException, Logger, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { databaseUnavailable, HttpExceptionFilter } from './http-exception.filter';

interface Sent {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
}

function run(exception: unknown): Sent {
  const sent: Sent = { headers: {} };
  const res = {
    headersSent: false,
    setHeader(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return res;
    },
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({}) }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return sent;
}

/** What the pg driver throws for a server error (a DatabaseError with a SQLSTATE). */
const pgError = (code: string, message = 'server error') => Object.assign(new Error(message), { code, severity: 'ERROR' });
/** The same, the way TypeORM hands it on (QueryFailedError copies the code and keeps `driverError`). */
const wrapped = (e: Error) => new QueryFailedError('SELECT 1', [], e);

describe('HttpExceptionFilter', () => {
  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  describe('bounded waits and lost connections → 503 with Retry-After: 1', () => {
    const expect503 = (exception: unknown, message: RegExp) => {
      const sent = run(exception);
      expect(sent.status).toBe(503);
      expect(sent.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(message) });
      expect(sent.headers['retry-after']).toBe('1');
    };

    it('maps the pg-pool acquire timeout, raw or wrapped by TypeORM or as a cause', () => {
      const acquire = () => new Error('timeout exceeded when trying to connect');
      expect503(acquire(), /busy/);
      expect503(wrapped(acquire()), /busy/);
      expect503(new Error('unit of work failed', { cause: acquire() }), /busy/);
    });

    it.each([
      ['57014', 'canceling statement due to statement timeout', /busy/],
      ['55P03', 'canceling statement due to lock timeout', /busy/],
      ['25P03', 'terminating connection due to idle-in-transaction timeout', /busy/],
      ['53300', 'sorry, too many clients already', /busy/],
      ['57P01', 'terminating connection due to administrator command', /unavailable/],
      ['57P02', 'terminating connection because of crash of another server process', /unavailable/],
      ['57P03', 'the database system is starting up', /unavailable/],
    ])('maps PostgreSQL %s, raw and wrapped in QueryFailedError', (code, text, message) => {
      expect503(pgError(code, text), message);
      expect503(wrapped(pgError(code, text)), message);
    });

    it('maps connection failures: refused (also inside an AggregateError), reset, terminated', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
      expect503(refused, /unavailable/);
      expect503(new AggregateError([refused], ''), /unavailable/);
      expect503(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), /unavailable/);
      expect503(new Error('Connection terminated unexpectedly'), /unavailable/);
      expect503(wrapped(new Error('Connection terminated unexpectedly')), /unavailable/);
      expect503(new Error('Connection terminated due to connection timeout'), /unavailable/);
      expect503(new Error('Client has encountered a connection error and is not queryable'), /unavailable/);
    });

    it('sends no body or header once the response has started', () => {
      const res = { headersSent: true, setHeader: jest.fn(), status: jest.fn(), json: jest.fn() };
      const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
      new HttpExceptionFilter().catch(new Error('timeout exceeded when trying to connect'), host);
      expect(res.setHeader).not.toHaveBeenCalled();
      expect(res.status).not.toHaveBeenCalled();
    });
  });

  describe('the other mappings stay as they were', () => {
    it.each([
      ['23505', 409],
      ['23503', 409],
      ['22P02', 400],
      ['40001', 409],
      ['40P01', 409],
    ])('QueryFailedError %s → %i, no Retry-After', (code, status) => {
      const sent = run(wrapped(pgError(code)));
      expect(sent.status).toBe(status);
      expect(sent.body).toMatchObject({ statusCode: status });
      expect(sent.headers['retry-after']).toBeUndefined();
    });

    it('keeps a constraint error a 409 even when its text mentions a timeout or a terminated connection', () => {
      const sent = run(wrapped(pgError('23505', 'duplicate key value violates unique constraint "connection_terminated_timeout exceeded when trying to connect"')));
      expect(sent.status).toBe(409);
    });

    it('answers HttpExceptions as they are', () => {
      expect(run(new NotFoundException('Conversation not found'))).toEqual({ status: 404, body: { statusCode: 404, error: 'Not Found', message: 'Conversation not found' }, headers: {} });
      expect(run(new ConflictException('Already claimed')).status).toBe(409);
    });

    it('answers anything else 500 without internals', () => {
      const sent = run(new Error('boom: secret detail'));
      expect(sent).toEqual({ status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' }, headers: {} });
      expect(run(wrapped(pgError('42P01', 'relation "x" does not exist'))).status).toBe(500);
    });

    it('maps body-parser errors to their 4xx', () => {
      expect(run(Object.assign(new Error('too large'), { status: 413, type: 'entity.too.large' })).body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large' });
    });
  });

  describe('databaseUnavailable', () => {
    it('is null for ordinary errors and values', () => {
      expect(databaseUnavailable(new Error('nope'))).toBeNull();
      expect(databaseUnavailable(undefined)).toBeNull();
      expect(databaseUnavailable('timeout exceeded when trying to connect')).toBeNull();
      expect(databaseUnavailable(wrapped(pgError('23505')))).toBeNull();
    });

    it('does not loop on a cyclic cause chain', () => {
      const a = new Error('a') as Error & { cause?: unknown };
      const b = new Error('b', { cause: a });
      a.cause = b;
      expect(databaseUnavailable(a)).toBeNull();
    });
  });

  it('a transaction whose connection was released under it (PostgreSQL went away) is 503, not 500', () => {
    const released = Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' });
    expect(run(released).status).toBe(503);
    const lost = wrapped(Object.assign(new Error('Connection terminated: the transaction lost its connection'), { code: 'ECONNRESET' }));
    expect(run(lost).status).toBe(503);
  });
});
