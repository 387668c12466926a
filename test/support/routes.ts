import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ACCESS_RULE, AccessRule } from '../../src/modules/access/access.decorators';

export interface AppRoute {
  /** Upper-case HTTP method, e.g. `GET`. */
  method: string;
  /** The path Express serves, e.g. `/api/v1/units/:id`. */
  path: string;
  controller: string;
  handler: string;
  /** The rule the AccessGuard reads (handler first, then controller), or undefined. */
  rule: AccessRule | undefined;
}

const join = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;
const asList = (v: unknown): string[] => (Array.isArray(v) ? v : [v ?? '']).map(String);

/** The (method, path) pairs Express actually routes, as Nest registered them (docs UI excluded). */
export function expressRoutes(app: INestApplication): Set<string> {
  const express = app.getHttpAdapter().getInstance();
  const stack: { route?: { path: string; methods: Record<string, boolean> } }[] = (express.router ?? express._router).stack;
  const out = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || layer.route.path.startsWith('/api/docs')) continue;
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
    // Catch-all layers (every verb) are Nest's middleware bindings, not routes.
    if (methods.length > 3) continue;
    for (const m of methods) out.add(`${m.toUpperCase()} ${layer.route.path}`);
  }
  return out;
}

/**
 * Every route handler of the booted app, found by walking the controllers Nest registered,
 * with the access rule the global AccessGuard will read for it.
 */
export function appRoutes(app: INestApplication): AppRoute[] {
  const served = expressRoutes(app);
  const scanner = new MetadataScanner();
  const routes: AppRoute[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: unknown[]) => unknown) | null;
      if (!ctrl) continue;
      const prefixes = asList(Reflect.getMetadata(PATH_METADATA, ctrl));
      for (const name of scanner.getAllMethodNames(ctrl.prototype)) {
        const handler = ctrl.prototype[name];
        const methodPaths = Reflect.getMetadata(PATH_METADATA, handler);
        if (methodPaths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const rule: AccessRule | undefined = Reflect.getMetadata(ACCESS_RULE, handler) ?? Reflect.getMetadata(ACCESS_RULE, ctrl);
        for (const prefix of prefixes) {
          for (const sub of asList(methodPaths)) {
            // The global prefix applies unless the path is excluded (health, webhooks): ask Express which one it serves.
            const candidates = [join('api/v1', prefix, sub), join(prefix, sub)];
            const path = candidates.find((p) => served.has(`${method} ${p}`));
            if (!path) throw new Error(`${ctrl.name}.${name}: none of ${candidates.join(', ')} is routed by Express for ${method}`);
            routes.push({ method, path, controller: ctrl.name, handler: name, rule });
          }
        }
      }
    }
  }
  return routes;
}

/** A concrete URL for a route pattern: each `:param` becomes `paramValue`, wildcards a plain segment. */
export function concretePath(pattern: string, paramValue: string): string {
  return pattern
    .replace(/\{\*\w+\}|\*\w*/g, 'x')
    .replace(/:\w+/g, paramValue)
    .replace(/[{}]/g, '');
}
