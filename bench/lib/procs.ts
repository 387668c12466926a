import { ChildProcess, spawn } from 'child_process';
import { createWriteStream, readFileSync } from 'fs';
import { sleep } from './stats';

/** A server process under measurement: its pid gives RSS from /proc, its log goes to a file. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  rssKiB(): number;
  stop(): Promise<void>;
}

export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

export async function startProcess(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  readyPath: string,
  logFile: string,
): Promise<ServerProcess> {
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`${label} exited with ${exited} while starting; see ${logFile}`);
    try {
      const res = await fetch(url + readyPath);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${label} did not become ready in 60 s; see ${logFile}`);
    await sleep(200);
  }
  return {
    child,
    url,
    rssKiB: () => rssKiB(child.pid!),
    stop: async () => {
      if (exited !== null) return;
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([done, sleep(10_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}
