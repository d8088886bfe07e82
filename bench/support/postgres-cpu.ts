/**
 * The CPU time a PostgreSQL cluster on this machine has used (all its processes: the
 * postmaster, its backends, its background writers), read from /proc. The store
 * benchmark prints it per message beside the server's own: on PostgreSQL half the work
 * of storing a message is the database's, which the server's CPU time does not show.
 * Linux only; elsewhere it answers undefined and the benchmark leaves that figure out.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

const ticksPerSecond = () => Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, ...]. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** A reader of the cluster's CPU time so far, in µs; undefined where /proc is not there. */
export async function postgresCpu(databaseUrl: string): Promise<(() => number) | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let postmaster: number;
  try {
    // Its parent, read while this connection's backend still runs.
    const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    postmaster = Number(statFields(backend)?.[1]);
  } finally {
    await client.end();
  }
  if (!postmaster) return undefined;
  const perTick = 1_000_000 / ticksPerSecond();
  // utime, stime, cutime, cstime are fields 14–17 of stat, 11–14 after the name's ")".
  const used = (fields: string[], withChildren: boolean) =>
    Number(fields[11]) + Number(fields[12]) + (withChildren ? Number(fields[13]) + Number(fields[14]) : 0);
  return () => {
    // The postmaster's own time and that of the backends it has reaped, plus the living ones.
    let ticks = used(statFields(postmaster) ?? [], true);
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!pid || pid === postmaster) continue;
      const fields = statFields(pid);
      if (fields && Number(fields[1]) === postmaster) ticks += used(fields, false);
    }
    return ticks * perTick;
  };
}
