// better-sqlite3 compiles SQL afresh on every db.prepare (tens of µs; in a burst of requests the server spent
// about 5% of its time there), and a store's hot queries run many times a second. A store asks for its
// statements through this instead: each text compiled once per connection. Only for statements a store runs
// with .get/.all/.run and the same row mode every time: a cached statement keeps its mode, and one being
// iterated cannot be run again until the iteration ends.
import type Database from 'better-sqlite3';
import type { Db } from './database.js';

export type Statement = Database.Statement<unknown[]>;

export function preparedOnce(db: Db): (sql: string) => Statement {
  const compiled = new Map<string, Statement>();
  return (sql) => {
    let statement = compiled.get(sql);
    if (statement === undefined) compiled.set(sql, (statement = db.prepare<unknown[]>(sql)));
    return statement;
  };
}
