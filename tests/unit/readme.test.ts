import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Paths, not `new URL(...)`: this tier runs under happy-dom, whose URL is the browser's.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');

describe('README', () => {
  it('shows the sample site’s snippet exactly as the page has it', () => {
    const snippet = read('demo/site/index.html').match(/<script async src="\/loader\.js"[^>]*><\/script>/)![0];
    expect(read('README.md')).toContain(snippet);
  });

  it('documents every host event the widget emits', async () => {
    const { HOST_EVENTS } = await import('../../src/widget/events');
    const section = read('README.md').split('### Events')[1]!.split('\n### ')[0]!;
    for (const event of HOST_EVENTS) expect(section).toContain(`\`${event}\``);
  });
});
