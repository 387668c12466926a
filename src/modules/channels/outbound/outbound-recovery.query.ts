import { DataSource } from 'typeorm';

/**
 * Outbound messages still `queued` after `olderThanSeconds` (committed, but their job may never
 * have reached Redis). Deliberately across organisations: the sweep serves the whole server; each
 * row carries its org id and the job it becomes is org-scoped.
 */
export function staleQueuedOutbound(ds: DataSource, olderThanSeconds: number, limit = 1000): Promise<{ id: string; org_id: string }[]> {
  return ds.query(
    `SELECT id, org_id FROM messages WHERE status = 'queued' AND direction = 'out' AND created_at < now() - make_interval(secs => $1) LIMIT $2`,
    [olderThanSeconds, limit],
  );
}
