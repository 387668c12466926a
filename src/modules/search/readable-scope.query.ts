import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Folder } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { viewerParams } from '../folders/folder.query';
import { candidateCountSql, candidateIdsSql, NARROW_MAX_CANDIDATES } from './readable-scope.sql';

/** The plan choice never changes a result, only its cost: a minute-old size is good enough. */
const TTL_MS = 60_000;

/** Picks the plan per viewer: narrow when their folders are all bounded and hold few conversations. */
@Injectable()
export class ReadableScope {
  private readonly cache = new Map<string, { at: number; narrow: boolean }>();

  constructor(private readonly ds: DataSource) {}

  /** The candidate-ids SQL for a narrow plan, or null for the wide plan. */
  async candidates(viewer: Viewer, folders: readonly Folder[]): Promise<string | null> {
    const sql = candidateIdsSql(folders);
    if (!sql) return null;
    const key = `${viewer.orgId}:${viewer.memberId}:${viewer.unitId}:${viewer.channelAccountIds.join(',')}:${folders.join(',')}`;
    const now = Date.now();
    let hit = this.cache.get(key);
    if (!hit || now - hit.at >= TTL_MS) {
      const [{ n }] = await this.ds.query(candidateCountSql(folders)!, viewerParams(viewer));
      hit = { at: now, narrow: n <= NARROW_MAX_CANDIDATES };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, hit);
    }
    return hit.narrow ? sql : null;
  }
}
