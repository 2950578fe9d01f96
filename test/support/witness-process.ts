import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './service-process.js';

export interface WitnessProcess {
  child: ChildProcess;
  url: string;
  /** Its C2SP verifier key, as it prints it on start. */
  key: string;
  output: () => string;
}

/** The witness command (`npm run witness`, from the build) in a process of its own, its key and state files in `dir`. */
export async function startWitness(dir: string, logKey: string, name: string): Promise<WitnessProcess> {
  const port = await freePort();
  const files = ['--key', join(dir, 'witness.key'), '--state', join(dir, 'state.json')];
  const args = ['dist/scripts/witness.js', '--port', String(port), '--log-key', logKey, ...files, '--name', name];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => output.includes('Listening on') && resolve());
    child.on('exit', (code) => reject(new Error(`the witness exited with ${code}:\n${output}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, key: /Witness verifier key: (\S+)/.exec(output)![1], output: () => output };
}
