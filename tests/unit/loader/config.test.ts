import { describe, expect, it, vi } from 'vitest';
import { parseConfig, reportConfig, type ConfigInput } from '../../../src/loader/config';

const SRC = 'https://chat.example.com/static/loader.js';

function parse(input: ConfigInput) {
  const warn = vi.fn();
  const config = parseConfig(input, SRC, warn);
  return { config, warn };
}

function report(input: ConfigInput) {
  const { config } = parse(input);
  const warn = vi.fn();
  reportConfig(config!, warn);
  return { config: config!, warnings: warn.mock.calls.map(([message]) => message as string) };
}

describe('parseConfig (loader)', () => {
  it('derives the server and the bundle base from the script URL', () => {
    const { config, warn } = parse({ site: 'demo' });
    expect(config).toMatchObject({
      site: 'demo',
      server: 'https://chat.example.com',
      base: 'https://chat.example.com/static/',
      position: 'right',
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses to start without a site id, with one error that says how to fix it', () => {
    for (const site of [undefined, '', '   ', 'no spaces allowed', 'x'.repeat(65)]) {
      const { config, warn } = parse({ site });
      expect(config).toBeNull();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toContain('data-site="your-site-id"');
    }
  });

  it('takes valid overrides', () => {
    const { config } = parse({ site: 'demo', server: 'http://127.0.0.1:9000/path', position: 'left', color: '#AbC' });
    expect(config).toMatchObject({ server: 'http://127.0.0.1:9000', position: 'left', color: '#AbC' });
  });

  it('falls back to defaults for bad values without a word: the widget reports them', () => {
    const { config, warn } = parse({ site: 'demo', server: 'javascript:alert(1)', position: 'middle', color: 'red;x' });
    expect(config).toMatchObject({ server: 'https://chat.example.com', position: 'right' });
    expect(config!.color).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('reportConfig (widget)', () => {
  it('reports each bad attribute once, naming it and the fix', () => {
    const { warnings } = report({
      site: 'demo',
      server: 'ftp://x',
      position: 'middle',
      color: 'blue',
      lang: 'english please',
      email: 'not-an-email',
    });
    expect(warnings).toHaveLength(5);
    for (const [attr, fix] of [
      ['server', 'http(s) URL'],
      ['position', '"right" or "left"'],
      ['color', 'hex colour'],
      ['lang', 'language code'],
      ['email', 'e-mail address'],
    ]) {
      expect(warnings.filter((w) => w.includes(`data-${attr}=`) && w.includes(fix!))).toHaveLength(1);
    }
  });

  it('says nothing about good values and normalises the hints', () => {
    const { config, warnings } = report({ site: 'demo', lang: 'PT-BR', name: '  Ann  ', email: ' ann@example.com ' });
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({ lang: 'pt-br', name: 'Ann', email: 'ann@example.com' });
  });

  it('keeps markup in a name as plain text, cut to 100 characters', () => {
    const { config } = report({ site: 'demo', name: '<img src=x onerror=alert(1)>'.repeat(10) });
    expect(config.name).toHaveLength(100);
    expect(config.name!.startsWith('<img')).toBe(true);
  });
});
