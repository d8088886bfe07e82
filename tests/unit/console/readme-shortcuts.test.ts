import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { SHORTCUTS } from '../../../console/shortcuts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

it('the README lists every shortcut the console has', () => {
  const section = readFileSync(resolve(root, 'README.md'), 'utf8')
    .split('### Keyboard shortcuts')[1]!
    .split('\n## ')[0]!;
  for (const shortcut of SHORTCUTS) {
    // The tab keys are one row: `1` … `6`.
    const keys = shortcut.action.startsWith('tab-') ? ['1', '6'] : shortcut.keys;
    for (const key of keys) expect(section, `${key} (${shortcut.description})`).toContain(`\`${key}\``);
  }
});
