import { ForbiddenException, Injectable } from '@nestjs/common';
import { decodeTimeIdCursor, encodeCursor } from '../../infra/http/pagination';
import { AccessPolicy } from '../access/access.policy';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CustomerView, presentCustomer } from './customer.presenter';
import { CustomerDirectoryQueryDto } from './customer-directory.dto';
import { CustomerDirectoryQuery } from './customer-directory.query';

/**
 * GET /customers: the customers whose conversation the viewer can read (the viewer's folders,
 * through the folder SQL), newest activity first, each exactly as GET /customers/:id presents
 * it (the same presenter: field permissions, masking, no reveal).
 */
@Injectable()
export class CustomerDirectoryService {
  constructor(
    private readonly directory: CustomerDirectoryQuery,
    private readonly policy: AccessPolicy,
  ) {}

  async list(viewer: Viewer, dto: CustomerDirectoryQueryDto): Promise<{ items: (CustomerView & { conversationId: string })[]; nextCursor: string | null }> {
    // Filtering by a tag one may not see would reveal who carries it.
    if (dto.tag !== undefined && !this.policy.has(viewer, Permission.CustomerTagsView)) {
      throw new ForbiddenException('Filtering by tag needs customer.tags.view');
    }
    const limit = dto.limit ?? 50;
    const after = decodeTimeIdCursor(dto.cursor);
    const folders = this.policy.folders(viewer);
    // No folder, nothing readable (and no folder parameters for the query to type).
    if (folders.length === 0) return { items: [], nextCursor: null };
    const rows = await this.directory.page(
      viewer,
      folders,
      {
        q: dto.q,
        profileFields: this.policy.has(viewer, Permission.CustomerProfileView),
        tag: dto.tag,
        boundUnitId: dto.boundUnitId,
        channelAccountId: dto.channelAccountId,
      },
      limit,
      after,
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({ ...presentCustomer(r.customer, viewer), conversationId: r.conversationId })),
      nextCursor: more ? encodeCursor([last.sortKey, last.conversationId]) : null,
    };
  }
}
