import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A node of the org tree. `path` is the materialized path `/<rootId>/…/<selfId>/`, so
 * "U and its descendants" is the prefix `path LIKE U.path || '%'` and "U's ancestors" are the
 * ids in U's own path: the folder queries and socket fan-out both lean on that.
 */
@Entity('units')
export class UnitEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('uuid', { nullable: true }) parentId!: string | null;
  @Column('text') name!: string;
  @Column('int') depth!: number;
  @Column('text') path!: string;
  @Column('text') routing!: 'manual' | 'round_robin' | 'least_busy';
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

export function unitAncestorIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}
