import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { JobFailureMetrics } from './job-failure.metrics';
import { Metrics } from './metrics';
import { MetricsCollector } from './metrics.collector';
import { MetricsController } from './metrics.controller';

/** Prometheus metrics (docs/operations.md). Modules whose code observes a latency import it (one instance). */
@Module({
  imports: [DiscoveryModule],
  controllers: [MetricsController],
  providers: [Metrics, MetricsCollector, JobFailureMetrics],
  exports: [Metrics, MetricsCollector],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
