import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import { BoundedOutput } from './bounded-output.js';

export interface RawExecOptions {
  /** "uid:gid" to run as; the container's user (root) otherwise. */
  user?: string;
  workingDir?: string;
  onOutput?: (chunk: string) => void;
  /** Stops waiting for output (for processes that keep the stream open after being killed). */
  detach?: AbortSignal;
}

export interface RawExecResult {
  exitCode: number | null;
  output: string;
}

/** Runs argv in the container via `docker exec`, streaming stdout and stderr as they arrive. */
export async function dockerExec(
  container: Docker.Container,
  argv: string[],
  options: RawExecOptions = {},
): Promise<RawExecResult> {
  const exec = await container.exec({
    Cmd: argv,
    User: options.user,
    WorkingDir: options.workingDir,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const output = new BoundedOutput();
  const collect = (channel: PassThrough) => {
    const decoder = new StringDecoder('utf8');
    channel.on('data', (data: Buffer) => {
      const text = decoder.write(data);
      if (!text) return;
      output.append(text);
      options.onOutput?.(text);
    });
  };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  collect(stdout);
  collect(stderr);
  container.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve) => {
    const finish = () => resolve();
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
    options.detach?.addEventListener('abort', () => {
      stream.destroy();
      finish();
    });
  });
  const { ExitCode } = await exec.inspect();
  return {
    exitCode: ExitCode ?? null,
    output: output.text,
    ...(output.dropped && { dropped: output.dropped }),
  };
}
