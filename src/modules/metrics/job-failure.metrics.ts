import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Metrics } from './metrics';

/** Counts every failed job attempt of this process's BullMQ workers into `omni_job_failures_total{queue}`. */
@Injectable()
export class JobFailureMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: Metrics,
    private readonly discovery: DiscoveryService,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      const worker = instance.worker;
      worker.on('failed', () => this.metrics.jobFailures.inc({ queue: worker.name }));
      this.metrics.jobFailures.inc({ queue: worker.name }, 0);
    }
  }
}
