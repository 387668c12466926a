import { Foundation1764000000000 } from './1764000000000-Foundation';
import { Channels1764000100000 } from './1764000100000-Channels';
import { Folders1764000200000 } from './1764000200000-Folders';
import { BindingLinks1764000300000 } from './1764000300000-BindingLinks';
import { Notifications1764000400000 } from './1764000400000-Notifications';
import { FolderRanges1764000500000 } from './1764000500000-FolderRanges';
import { FolderScopeInIndexes1764000600000 } from './1764000600000-FolderScopeInIndexes';
import { DomainEvents1764000700000 } from './1764000700000-DomainEvents';
import { RejectedInboundEvents1764000800000 } from './1764000800000-RejectedInboundEvents';
import { IdempotencyKeys1764000900000 } from './1764000900000-IdempotencyKeys';
import { RoutingPresence1765000100000 } from './1765000100000-RoutingPresence';
import { Media1765000200000 } from './1765000200000-Media';
import { SearchAndCanned1765000300000 } from './1765000300000-SearchAndCanned';
import { Reports1765000400000 } from './1765000400000-Reports';
import { Governance1765000500000 } from './1765000500000-Governance';
import { FailedDeliveries1765000600000 } from './1765000600000-FailedDeliveries';
import { ReportHistogramText1765100000000 } from './1765100000000-ReportHistogramText';
import { ReportYearRollups1765100010000 } from './1765100010000-ReportYearRollups';
import { SearchMessageGrams1765100100000 } from './1765100100000-SearchMessageGrams';
import { AttachmentStorageKeys1765100200000 } from './1765100200000-AttachmentStorageKeys';
import { RoutingMemberClaim1765100300000 } from './1765100300000-RoutingMemberClaim';
import { OutboxRelayedTo1765100400000 } from './1765100400000-OutboxRelayedTo';

/** Every migration, in order. Listed explicitly so ts-node, jest and the built server load the same set. */
export const MIGRATIONS = [
  Foundation1764000000000,
  Channels1764000100000,
  Folders1764000200000,
  BindingLinks1764000300000,
  Notifications1764000400000,
  FolderRanges1764000500000,
  FolderScopeInIndexes1764000600000,
  DomainEvents1764000700000,
  RejectedInboundEvents1764000800000,
  IdempotencyKeys1764000900000,
  Governance1765000500000,
  RoutingPresence1765000100000,
  SearchAndCanned1765000300000,
  Media1765000200000,
  Reports1765000400000,
  FailedDeliveries1765000600000,
  ReportHistogramText1765100000000,
  ReportYearRollups1765100010000,
  SearchMessageGrams1765100100000,
  AttachmentStorageKeys1765100200000,
  RoutingMemberClaim1765100300000,
  OutboxRelayedTo1765100400000,
];
