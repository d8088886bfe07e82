import { describe, expect, it } from 'vitest';
import * as config from '../../../src/loader/config';
import * as launcher from '../../../src/loader/launcher';
import * as shared from '../../../src/loader/shared-parts';
import * as styles from '../../../src/loader/styles';

describe('the loader parts as the script-tag widget bundle sees them', () => {
  it('are the functions the loader handed over, and work as the originals', () => {
    const handedOver = {
      parseConfig: config.parseConfig,
      adoptStyles: styles.adoptStyles,
      styleHost: launcher.styleHost,
    };
    shared.useLoaderParts(handedOver);
    expect(shared.parseConfig).toBe(config.parseConfig);
    expect(shared.adoptStyles).toBe(styles.adoptStyles);
    expect(shared.styleHost).toBe(launcher.styleHost);

    const parsed = shared.parseConfig(
      { site: 'demo', position: 'left' },
      'https://chat.example.com/loader.js',
      () => {},
    )!;
    const host = document.createElement('div');
    shared.styleHost(host, parsed);
    expect(host.dataset.position).toBe('left');
  });

  it('keep the widget-only parts from the loader modules themselves', () => {
    expect(shared.reportConfig).toBe(config.reportConfig);
    expect(shared.CHAT_ICON).toBe(launcher.CHAT_ICON);
  });
});
