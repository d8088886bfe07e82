/**
 * Queries built and compiled once. Kysely builds an operation tree and compiles it to SQL
 * on every call; on the message path that was about half the server's CPU time. A
 * prepared query is written with the same builder, once, with named slots for its
 * values; it is compiled on first use and from then on only its parameters change.
 *
 * How the slots are found: the builder is run once with a marker string in place of
 * each value, and the positions where the markers land in the compiled parameters are
 * remembered. Values that are part of the query itself (`+ 1`, a fixed status) stay.
 * Only plain value positions may take a slot (comparisons, `set`, `values`, `limit`);
 * a slot used where Kysely would expand the value (an `in` list) throws at first use.
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './writer';

const MARK = '\u0000slot:';

export type Slots<A> = { readonly [K in keyof A]: A[K] };

export interface Prepared<A, R> {
  /** Runs on `q` (the database, or a transaction) with these values. */
  run(q: Db, args: A): Promise<QueryResult<R>>;
  /** The rows. */
  all(q: Db, args: A): Promise<R[]>;
  first(q: Db, args: A): Promise<R | undefined>;
  /** Rows an update, insert or delete changed. */
  affected(q: Db, args: A): Promise<number>;
}

export function prepare<A extends Record<string, unknown>, R>(
  build: (db: Db, slot: Slots<A>) => Compilable<R>,
): Prepared<A, R> {
  let compiled: { query: CompiledQuery<R>; sources: ((args: A) => unknown)[] } | undefined;

  const compile = (db: Db) => {
    const slots = new Proxy({} as Slots<A>, { get: (_target, name) => `${MARK}${String(name)}` });
    const query = build(db, slots).compile();
    const sources = query.parameters.map((value) => {
      if (typeof value === 'string' && value.startsWith(MARK)) {
        const name = value.slice(MARK.length);
        return (args: A) => args[name];
      }
      return () => value;
    });
    if (query.sql.includes(MARK)) throw new Error(`a slot landed in the SQL text, not a parameter: ${query.sql}`);
    return { query, sources };
  };

  const run = (q: Db, args: A) => {
    compiled ??= compile(q);
    const { query, sources } = compiled;
    return q.executeQuery<R>({ ...query, parameters: sources.map((source) => source(args)) });
  };

  return {
    run,
    all: async (q, args) => (await run(q, args)).rows,
    first: async (q, args) => (await run(q, args)).rows[0],
    affected: async (q, args) => Number((await run(q, args)).numAffectedRows ?? 0n),
  };
}
