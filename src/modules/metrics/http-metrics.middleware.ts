import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics, UNMATCHED_ROUTE } from './metrics';

const ARRIVED_AT = Symbol('omni:arrivedAt');

/** When the request reached the server (`performance.now()`), as stamped by HttpMetricsMiddleware. */
export function arrivedAt(req: Request): number | undefined {
  return (req as unknown as Record<symbol, number | undefined>)[ARRIVED_AT];
}

/**
 * Times every request into `omni_http_request_duration_seconds`, labelled with the route
 * template Express matched (`/api/v1/conversations/:id`), never the raw URL.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const start = performance.now();
    (req as unknown as Record<symbol, number>)[ARRIVED_AT] ??= start;
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      this.metrics.httpDuration.observe(
        { method: req.method, route: typeof route === 'string' ? `${req.baseUrl ?? ''}${route}` : UNMATCHED_ROUTE, status: String(res.statusCode) },
        (performance.now() - start) / 1000,
      );
    });
    next();
  }
}
