import { Global, Module } from '@nestjs/common';
import { DomainEventRepository } from './domain-event.repository';
import { EventClock } from './event-clock';
import { EventRelay } from './event-relay';
import { UnitOfWork } from './unit-of-work';

/** The unit of work, the event table and the relay: every module writes through it. */
@Global()
@Module({
  providers: [DomainEventRepository, EventRelay, UnitOfWork, EventClock],
  exports: [UnitOfWork, EventRelay, DomainEventRepository, EventClock],
})
export class EventsModule {}
