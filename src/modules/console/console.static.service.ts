import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import { join } from 'path';
import serveStatic from 'serve-static';
import { findConsoleDir, isConsolePath } from './console-static';

/**
 * Serves the agent console (web/, built into web/dist) at `/`. It is plain Express middleware
 * added after Nest has registered its routes (onModuleInit runs after the router and before the
 * not-found handler), so it is not a route, never shadows one, and declares no access rule: the
 * files are public, and every screen calls the authenticated REST and socket API.
 */
@Injectable()
export class ConsoleStaticService implements OnModuleInit {
  private readonly logger = new Logger('Console');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const express = this.adapterHost.httpAdapter?.getInstance?.() as Express | undefined;
    if (!express) return; // the worker has no HTTP server
    const dir = findConsoleDir();
    if (!dir) {
      this.logger.log('web/dist not found: the console is not served (run `npm run build:web`)');
      return;
    }
    const files = serveStatic(dir, {
      index: false,
      setHeaders: (res, path) => res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
    const index = join(dir, 'index.html');
    express.use((req: Request, res: Response, next: NextFunction) => (isConsolePath(req.method, req.path) ? files(req, res, next) : next()));
    express.use((req: Request, res: Response, next: NextFunction) => {
      if (!isConsolePath(req.method, req.path) || !req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  }
}
