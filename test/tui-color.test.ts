import { describe, expect, it } from 'vitest';

// Colour support is decided when the colour library loads: force it on first, as a colour terminal would.
process.env.FORCE_COLOR = '1';
const { render } = await import('ink-testing-library');
const { createElement: h } = await import('react');
const { ColorContext } = await import('../src/tui/theme.js');
const { TranscriptItemView } = await import('../src/tui/components/TranscriptItemView.js');

const ESC = '\x1b[';
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
    expect(frame(true, edit)).toMatch(/\x1b\[32m[^\n]*\+ new/);
    expect(frame(false, markdown)).not.toContain(ESC);
    expect(frame(false, edit)).not.toMatch(/\x1b\[3\dm/);
  });
});
