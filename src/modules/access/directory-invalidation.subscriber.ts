import { Injectable, OnModuleInit } from '@nestjs/common';
import { DIRECTORY_EVENTS, DomainEventSubscriber, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { OrgDirectory } from './org-directory';

/** Members, roles or units changed: every process drops its copy of that org's directory. */
@Injectable()
export class DirectoryInvalidationSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'directory';

  constructor(
    private readonly relay: EventRelay,
    private readonly directory: OrgDirectory,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const orgs = new Set(events.filter((e) => DIRECTORY_EVENTS.includes(e.type)).map((e) => e.orgId));
    for (const orgId of orgs) this.directory.invalidate(orgId);
  }
}
