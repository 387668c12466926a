import { Global, Module } from '@nestjs/common';
import { DomainEventRepository } from './domain-event.repository';
import { EventRelay } from './event-relay';
import { UnitOfWork } from './unit-of-work';

/** The unit of work, the event table and the relay: every module writes through it. */
@Global()
@Module({
  providers: [DomainEventRepository, EventRelay, UnitOfWork],
  exports: [UnitOfWork, EventRelay, DomainEventRepository],
})
export class EventsModule {}
