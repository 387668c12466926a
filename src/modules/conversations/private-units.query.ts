import { EntityManager } from 'typeorm';

/** Records the units that may read a private session's messages (idempotent), in the caller's transaction. */
export async function recordPrivateUnits(manager: EntityManager, orgId: string, conversationId: string, unitIds: readonly string[]): Promise<void> {
  if (unitIds.length === 0) return;
  await manager.query(
    `INSERT INTO conversation_private_units (org_id, conversation_id, unit_id) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [orgId, conversationId, unitIds],
  );
}
