import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { lastUserText } from './script.js';
import { startScriptedProvider } from './server.js';
import type { Script } from './types.js';

/**
 * Runs the scripted provider standalone so a human or a terminal-UI test can
 * point the agent at it:
 *   node dist/test/scripted-provider/cli.js [script.js] [--port N]
 * The script module's default export is a Script; without one, every request
 * is answered by echoing the last user message.
 */

const echo: Script = (turn) => ({ text: `You said: ${lastUserText(turn) ?? ''}` });

const { values, positionals } = parseArgs({ options: { port: { type: 'string' } }, allowPositionals: true });
const modulePath = positionals[0];
const script: Script = modulePath
  ? ((await import(pathToFileURL(resolve(modulePath)).href)) as { default: Script }).default
  : echo;
const server = await startScriptedProvider(script, { port: values.port ? Number(values.port) : 0 });

console.log(server.baseUrl);
console.error(`OPENAI_BASE_URL=${server.openaiBaseUrl} ANTHROPIC_BASE_URL=${server.anthropicBaseUrl}`);
process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
