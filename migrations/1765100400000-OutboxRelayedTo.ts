import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `event_outbox.relayed_to`: the subscribers an event already reached. When one subscriber
 * fails (an outage of the queue it writes to) and the others succeeded, the retry runs only
 * the ones that failed, so a socket never gets the same `message.created` twice because the
 * notifications or outbound subscriber could not enqueue — whichever process retries it.
 */
export class OutboxRelayedTo1765100400000 implements MigrationInterface {
  name = 'OutboxRelayedTo1765100400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_outbox ADD COLUMN relayed_to text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_outbox DROP COLUMN relayed_to`);
  }
}
