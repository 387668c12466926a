import type { ConfigType } from '@nestjs/config';
import type { Queue } from 'bullmq';
import type { appConfig } from '../../../infra/config/app.config';
import type { AuditService } from '../../audit/audit.service';
import type { UnitOfWork } from '../../events/unit-of-work';
import type { OrgRepository } from '../../orgs/org.repository';
import type { CustomerErasureService } from './customer-erasure.service';
import type { RecordsRepository } from './records.repository';
import { RETENTION_BATCH, RetentionService } from './retention.service';

/** One org's run reads that org's setting only: the per-org job never scans the other orgs. */
describe('RetentionService.apply', () => {
  const settings: Record<string, number | null> = { 'org-a': 30, 'org-b': null };
  const orgs = { find: jest.fn(async (id: string) => (id in settings ? { id, retentionDays: settings[id] } : null)) };
  const batches: number[] = [];
  const records = {
    orgsWithRetention: jest.fn(),
    deleteExpiredBatch: jest.fn(async (_orgId: string, _days: number, batch: number) => {
      const messages = batches.shift() ?? 0;
      return { messages, attachments: messages === batch ? 1 : 0, storageKeys: [] };
    }),
  };
  const audit = { record: jest.fn(async () => undefined) };
  const erasure = { deleteFiles: jest.fn(async () => undefined) };
  const uow = { run: <T>(fn: () => Promise<T>) => fn() };
  const service = new RetentionService(
    records as unknown as RecordsRepository,
    orgs as unknown as OrgRepository,
    erasure as unknown as CustomerErasureService,
    audit as unknown as AuditService,
    uow as unknown as UnitOfWork,
    {} as Queue,
    { runWorkers: false } as ConfigType<typeof appConfig>,
  );

  beforeEach(() => jest.clearAllMocks());

  it('looks its org up by id and applies that org’s period, batch after batch', async () => {
    batches.push(RETENTION_BATCH, 7);
    expect(await service.apply('org-a')).toEqual({ messages: RETENTION_BATCH + 7, attachments: 1 });
    expect(orgs.find.mock.calls).toEqual([['org-a']]);
    expect(records.orgsWithRetention).not.toHaveBeenCalled();
    expect(records.deleteExpiredBatch.mock.calls).toEqual([
      ['org-a', 30, RETENTION_BATCH],
      ['org-a', 30, RETENTION_BATCH],
    ]);
    expect(audit.record).toHaveBeenCalledWith('org-a', expect.objectContaining({ action: 'retention.applied', after: { retentionDays: 30, messages: RETENTION_BATCH + 7, attachments: 1 } }));
  });

  it('does nothing for an org without a period, or one that is gone', async () => {
    expect(await service.apply('org-b')).toEqual({ messages: 0, attachments: 0 });
    expect(await service.apply('org-gone')).toEqual({ messages: 0, attachments: 0 });
    expect(orgs.find.mock.calls).toEqual([['org-b'], ['org-gone']]);
    expect(records.orgsWithRetention).not.toHaveBeenCalled();
    expect(records.deleteExpiredBatch).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });
});
