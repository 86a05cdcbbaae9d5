import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdown } from '../src/tui/markdown.js';

// The renderer loads in the background in a real session; these tests look at rendered markdown.
beforeAll(() => loadMarkdown());

// Colour support is decided when the colour library loads: force it on first, as a colour terminal would.
process.env.FORCE_COLOR = '1';
const { render } = await import('ink-testing-library');
const { createElement: h } = await import('react');
const { ColorContext } = await import('../src/tui/theme.js');
const { TranscriptItemView } = await import('../src/tui/components/TranscriptItemView.js');
const { runTui } = await import('../src/tui/index.js');
const { FakeSession } = await import('./support/fake-session.js');
const { FakeTerminalInput, FakeTerminalOutput } = await import('./support/fake-terminal.js');
const { waitFor } = await import('./support/ink.js');

const ESC = '\x1b[';
/** A foreground colour escape (SGR 30-39), built from a string so no control character sits in a regex literal. */
const FOREGROUND = new RegExp(`${ESC.replace('[', '\\[')}3\\dm`);
const GREEN_ADDITION = new RegExp(`${ESC.replace('[', '\\[')}32m[^\\n]*\\+ new`);
const markdown = { kind: 'assistant' as const, key: 0, text: '# Fix\n\n```js\nconst a = 1;\n```' };
const edit = {
  kind: 'tool' as const,
  key: 1,
  call: {
    id: 'c',
    title: 'edit a.js',
    startedAt: 0,
    state: 'ok' as const,
    tail: '',
    detail: { kind: 'diff' as const, path: 'a.js', diff: '@@ -1 +1 @@\n-old\n+new\n', added: 1, removed: 1 },
  },
};

function frame(color: boolean, item: typeof markdown | typeof edit): string {
  const view = render(h(ColorContext.Provider, { value: color }, h(TranscriptItemView, { item, width: 80 })));
  const out = view.lastFrame() ?? '';
  view.unmount();
  return out;
}

describe('colour', () => {
  it('colours markdown, code and diffs, and drops every colour with NO_COLOR', () => {
    expect(frame(true, markdown)).toContain(ESC);
    expect(frame(true, edit)).toMatch(GREEN_ADDITION);
    expect(frame(false, markdown)).not.toContain(ESC);
    expect(frame(false, edit)).not.toMatch(FOREGROUND);
  });
});

describe('NO_COLOR', () => {
  async function draw(noColor: string | undefined): Promise<string> {
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
    const session = new FakeSession();
    const stdout = new FakeTerminalOutput();
    const exit = runTui(
      session,
      { listFiles: async () => [], sessionDiff: async () => '' },
      {
        stdin: new FakeTerminalInput() as unknown as NodeJS.ReadStream,
        stdout: stdout as unknown as NodeJS.WriteStream,
      },
    );
    session.emit({
      type: 'tool_call_end',
      id: 'c',
      name: 'read',
      is_error: false,
      output: '',
      duration_ms: 1,
    });
    let drawn = '';
    await waitFor(() => {
      drawn += stdout.take();
      expect(drawn).toContain('✓');
    });
    session.end();
    await exit;
    delete process.env.NO_COLOR;
    return drawn;
  }

  it('turns colour off when set, and only then', async () => {
    expect(await draw(undefined)).toMatch(FOREGROUND);
    expect(await draw('1')).not.toMatch(FOREGROUND);
  });
});
