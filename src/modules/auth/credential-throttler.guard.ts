import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * Rate limit for credential endpoints, tracked per client address *and* account, so one
 * office behind a NAT does not lock everyone out while brute force on one account is stopped.
 */
@Injectable()
export class CredentialThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const body = (req.body ?? {}) as { email?: unknown; adminEmail?: unknown };
    const account = String(body.email ?? body.adminEmail ?? '').trim().toLowerCase();
    return `${req.ip}|${account}`;
  }
}
