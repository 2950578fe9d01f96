import { ChildProcess, spawn } from 'node:child_process';

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr together. */
  output(): string;
}

/**
 * The compiled service (`dist/src/main.js`, or `script`; so run tsc first) in a process of its own, resolved once
 * its output shows `startedWhen`: the development banner's last line by default.
 */
export function startService(env: NodeJS.ProcessEnv, startedWhen = 'Stop with Ctrl-C.', script = 'dist/src/main.js'): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (output.includes(startedWhen)) {
        clearTimeout(timer);
        resolveStart({ child, output: () => output });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

/** The compiled service run to its end (a start that must refuse): its exit code and everything it wrote. */
export function runToExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['dist/src/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** The exit code (null when a signal ended it). */
export const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));

export { freePort } from '../../scripts/bench-support.js';
