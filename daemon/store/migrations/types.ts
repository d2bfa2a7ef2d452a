import type Database from 'better-sqlite3';

/** One schema step. Ids are global and ordered; each room takes ids from its own range (see index.ts). */
export interface Migration {
  id: number;
  name: string;
  up(db: Database.Database): void;
}
