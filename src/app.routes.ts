import { RequestMethod } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';

/** Every REST operation lives under this prefix, except the routes below. */
export const API_PREFIX = 'api/v1';

/**
 * Routes served outside `/api/v1`: probes and metrics (scraped by infrastructure at fixed
 * paths), provider webhooks (URLs registered with each provider) and the two links customers
 * open (binding and media). One list, read by the server (app.setup.ts) and by the OpenAPI
 * dump (scripts/dump-openapi.ts), so the console's generated types name the paths users call.
 */
export const UNPREFIXED_ROUTES: readonly RouteInfo[] = [
  { path: 'health', method: RequestMethod.ALL },
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
  { path: 'webhooks/{*rest}', method: RequestMethod.ALL },
  { path: 'bind/:token', method: RequestMethod.GET },
  { path: 'media/:token', method: RequestMethod.GET },
];

