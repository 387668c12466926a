import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Queue } from 'bullmq';
import { appConfig } from '../../../infra/config/app.config';
import { QueueName } from '../../../infra/queue/queues';
import { queueCall } from '../../../infra/queue/unavailable';
import { AuditService } from '../../audit/audit.service';
import { UnitOfWork } from '../../events/unit-of-work';
import { OBJECT_STORAGE, ObjectStorage, StoredObject } from '../../media/storage/object-storage';
import { DeleteOrphanFilesJob, OrphanFilesSweepJob } from '../governance.jobs';
import { RecordsRepository } from './records.repository';

/**
 * A file younger than this is never an orphan: a download or upload writes its file before the
 * row that names it commits, and a file that was just written may belong to such a row.
 */
export const ORPHAN_MIN_AGE_MS = 24 * 3600_000;
/** Stored files checked against the attachments per query. */
const CHECK_BATCH = 500;

export interface OrphanSweepCounts {
  /** Files old enough to be judged. */
  checked: number;
  deleted: number;
  /** Orphans whose delete failed: tried again on the next day's sweep. */
  failed: number;
}

/**
 * Erasure and retention delete stored files after their rows commit, best effort; a file whose
 * delete failed, or one written for a row that never committed, would otherwise stay forever.
 * Once a day each org's files (`<orgId>/…` in the storage) that no attachment row names and
 * that are older than ORPHAN_MIN_AGE_MS are deleted. Files outside an org's prefix were not
 * written by the server and are left alone. Idempotent; a run that deleted (or failed to
 * delete) something is audited as `media.orphans_deleted` with the counts.
 */
@Injectable()
export class OrphanFilesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('OrphanFiles');

  constructor(
    private readonly records: RecordsRepository,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @InjectQueue(QueueName.OrphanFiles) private readonly queue: Queue,
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
  ) {}

  /** The worker process keeps the daily schedule (an upsert: every worker may do it, one schedule results). */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.cfg.runWorkers) return;
    await queueCall(this.queue, 'schedule orphan file sweep', () =>
      this.queue.upsertJobScheduler('orphan-files-sweep', { pattern: '47 3 * * *' }, { name: OrphanFilesSweepJob.jobName, data: {}, opts: { removeOnComplete: 30, removeOnFail: 30 } }),
    ).catch((e: Error) => this.logger.warn(`orphan file sweep not scheduled (${e.message}); it will be on the next start`));
  }

  async sweep(): Promise<number> {
    const orgIds = await this.records.allOrgIds();
    const day = new Date().toISOString().slice(0, 10);
    for (const orgId of orgIds) {
      await queueCall(this.queue, `enqueue ${DeleteOrphanFilesJob.jobName}`, () =>
        this.queue.add(DeleteOrphanFilesJob.jobName, new DeleteOrphanFilesJob({ orgId }).data, { jobId: `orphan-files-${orgId}-${day}`, attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 100 }),
      );
    }
    return orgIds.length;
  }

  /** Deletes the org's orphaned files older than the safety age; returns the counts. */
  async deleteOrphans(orgId: string, now = Date.now()): Promise<OrphanSweepCounts> {
    const counts: OrphanSweepCounts = { checked: 0, deleted: 0, failed: 0 };
    let batch: StoredObject[] = [];
    for await (const file of this.storage.list(`${orgId}/`)) {
      if (now - file.modifiedAt.getTime() < ORPHAN_MIN_AGE_MS) continue;
      batch.push(file);
      if (batch.length >= CHECK_BATCH) {
        await this.deleteUnreferenced(orgId, batch, counts);
        batch = [];
      }
    }
    if (batch.length > 0) await this.deleteUnreferenced(orgId, batch, counts);
    if (counts.deleted > 0 || counts.failed > 0) {
      this.logger.log(`org ${orgId}: ${counts.deleted} orphaned file(s) deleted, ${counts.failed} could not be, of ${counts.checked} checked`);
      await this.uow.run(() =>
        this.audit.record(orgId, { actorId: null, action: 'media.orphans_deleted', targetType: 'org', targetId: orgId, after: { ...counts, minAgeHours: ORPHAN_MIN_AGE_MS / 3600_000 } }),
      );
    }
    return counts;
  }

  private async deleteUnreferenced(orgId: string, files: readonly StoredObject[], counts: OrphanSweepCounts): Promise<void> {
    counts.checked += files.length;
    const referenced = await this.records.referencedStorageKeys(
      orgId,
      files.map((f) => f.key),
    );
    for (const { key } of files) {
      if (referenced.has(key)) continue;
      try {
        await this.storage.delete(key);
        counts.deleted++;
      } catch (e) {
        counts.failed++;
        this.logger.warn(`could not delete orphaned file ${key}: ${(e as Error).message}`);
      }
    }
  }
}
