import { signal } from '@preact/signals';
import { describe, expect, it, vi } from 'vitest';
import { contrastProblems, contrastRatio } from '../../../src/themes/contrast';
import { applyTheme, mergeThemes, resolveColors, DARK } from '../../../src/themes/resolve';
import { LIGHT, type Theme } from '../../../src/themes/tokens';
import { readTheme } from '../../../src/themes/validate';
import { createThemeModel, themeFromAttributes } from '../../../src/widget/models/theme';

describe('contrast', () => {
  it.each([
    ['#000000', '#ffffff', 21],
    ['#ffffff', '#ffffff', 1],
    ['#777777', '#ffffff', 4.48],
    ['#0b6bcb', '#ffffff', 5.28],
    ['#fff', '#000', 21],
  ])('%s on %s is %s:1', (fg, bg, ratio) => {
    expect(contrastRatio(fg, bg)).toBeCloseTo(ratio, 1);
  });

  it('is symmetric and refuses what is not a hex colour', () => {
    expect(contrastRatio('#123456', '#abcdef')).toBe(contrastRatio('#abcdef', '#123456'));
    expect(contrastRatio('red', '#fff')).toBeNull();
  });

  it('the default light and dark themes pass AA everywhere', () => {
    expect(contrastProblems(LIGHT)).toEqual([]);
    expect(contrastProblems(DARK)).toEqual([]);
  });

  it('warns about secondary text that fades into the panel', () => {
    expect(contrastProblems({ ...LIGHT, panelBackground: '#1e1b2e', panelText: '#f5f5f5' })).toEqual([
      { label: 'secondary text', ratio: 2.82 },
    ]);
  });
});

describe('theme sources', () => {
  it('merge in order: later wins key by key, undefined keeps the earlier value', () => {
    const site: Theme = { accent: '#111111', radius: 4, mode: 'dark' };
    const attributes: Theme = { accent: '#222222', radius: undefined };
    const runtime: Theme = { radius: 8 };
    expect(mergeThemes(site, attributes, runtime)).toEqual({ accent: '#222222', radius: 8, mode: 'dark' });
  });

  it('resolve every colour for the mode; an accent also colours the visitor bubbles unless set', () => {
    expect(resolveColors({ accent: '#aa0000' }, false)).toMatchObject({
      accent: '#aa0000',
      visitorBubble: '#aa0000',
      panelBackground: LIGHT.panelBackground,
    });
    expect(resolveColors({ accent: '#aa0000', visitorBubble: '#00aa00' }, false).visitorBubble).toBe('#00aa00');
    expect(resolveColors({ mode: 'dark' }, false).panelBackground).toBe(DARK.panelBackground);
    expect(resolveColors({ mode: 'auto' }, true).panelBackground).toBe(DARK.panelBackground);
    expect(resolveColors({ mode: 'auto' }, false).panelBackground).toBe(LIGHT.panelBackground);
    expect(resolveColors({ mode: 'dark', panelBackground: '#000000' }, false).panelBackground).toBe('#000000');
  });

  it('put the better-reading text on a custom accent and bubble, unless the theme sets it', () => {
    // Dark mode's navy on red reads 3.3:1; white 5.6:1.
    expect(resolveColors({ mode: 'dark', accent: '#d0021b' }, false)).toMatchObject({
      onAccent: LIGHT.onAccent,
      visitorText: LIGHT.onAccent,
    });
    // A light accent in light mode: white would not read on it, the dark text does.
    expect(resolveColors({ accent: '#ffd84d' }, false)).toMatchObject({
      onAccent: DARK.onAccent,
      visitorText: DARK.onAccent,
    });
    expect(resolveColors({ visitorBubble: '#ffd84d' }, false).visitorText).toBe(DARK.onAccent);
    // The modes' own accents keep their own text, and a text the theme sets stays.
    expect(resolveColors({ mode: 'dark' }, false).onAccent).toBe(DARK.onAccent);
    expect(resolveColors({ accent: '#0b6bcb' }, false).onAccent).toBe(LIGHT.onAccent);
    expect(resolveColors({ mode: 'dark', accent: '#d0021b', onAccent: '#000000' }, false).onAccent).toBe('#000000');
    expect(resolveColors({ accent: '#d0021b', visitorText: '#111111' }, false).visitorText).toBe('#111111');
  });

  it('reach the page as CSS variables on the host only', () => {
    const host = document.createElement('div');
    applyTheme(host, { visitorBubble: '#123456', radius: 6, fontFamily: 'Georgia, serif', offsetX: 40 }, false);
    expect(host.style.getPropertyValue('--confab-visitor-bubble')).toBe('#123456');
    expect(host.style.getPropertyValue('--confab-radius')).toBe('6px');
    expect(host.style.getPropertyValue('--confab-font-family')).toBe('Georgia, serif');
    expect(host.style.getPropertyValue('--confab-offset-x')).toBe('40px');
    expect(document.documentElement.style.getPropertyValue('--confab-visitor-bubble')).toBe('');
  });

  it('give error and success text colours that read on a dark panel, and take them back on a light one', () => {
    const host = document.createElement('div');
    applyTheme(host, { mode: 'dark' }, false);
    const danger = host.style.getPropertyValue('--confab-danger');
    const success = host.style.getPropertyValue('--confab-success');
    expect(contrastRatio(danger, DARK.panelBackground)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(success, DARK.panelBackground)).toBeGreaterThanOrEqual(4.5);
    applyTheme(host, { panelBackground: '#1e1b2e' }, false); // a custom dark panel in light mode
    expect(host.style.getPropertyValue('--confab-danger')).toBe(danger);
    applyTheme(host, { mode: 'light' }, false);
    expect(host.style.getPropertyValue('--confab-danger')).toBe(''); // base-css's light colour applies
    expect(host.style.getPropertyValue('--confab-success')).toBe('');
  });
});

describe('reading a theme from untrusted input', () => {
  it('keeps good values and reports each bad one with the fix', () => {
    const warn = vi.fn();
    const theme = readTheme(
      {
        accent: '#0B6BCB',
        panelText: 'red',
        radius: '12',
        offsetX: -5,
        zIndex: '1e3',
        fontFamily: 'x; background:url(evil)',
        mode: 'neon',
        icon: 'javascript:alert(1)',
        position: 'left',
      },
      warn,
    );
    expect(theme).toEqual({ accent: '#0B6BCB', radius: 12, zIndex: 1000, position: 'left' });
    expect(warn).toHaveBeenCalledTimes(5);
    expect(warn.mock.calls.map(([m]) => m as string)).toEqual([
      expect.stringContaining('theme.panelText = "red" is ignored; use a hex colour'),
      expect.stringContaining('offsetX'),
      expect.stringContaining('fontFamily'),
      expect.stringContaining('"light", "dark" or "auto"'),
      expect.stringContaining('an http(s) URL'),
    ]);
  });

  it('reads the script tag: data-color is the accent, the rest by token name', () => {
    expect(
      themeFromAttributes({ site: 'demo', color: '#ff0000', visitorText: '#000000', offsetY: '60' }, () => {}),
    ).toEqual({
      accent: '#ff0000',
      visitorText: '#000000',
      offsetY: 60,
    });
  });
});

describe('the theme model', () => {
  it('applies site < attributes < Confab("theme"), live, and reports low contrast once', () => {
    const host = document.createElement('div');
    const site = signal<Theme | undefined>(undefined);
    const warn = vi.fn();
    const button = document.createElement('button');
    button.append(document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
    const open = signal(false);
    const model = createThemeModel(host, site, { accent: '#222222' }, { button, open }, warn);
    const variable = (name: string) => host.style.getPropertyValue(name);

    site.value = { accent: '#111111', operatorBubble: '#eeeeee' };
    expect(variable('--confab-accent')).toBe('#222222'); // attributes beat the site
    expect(variable('--confab-operator-bubble')).toBe('#eeeeee');

    model.set({ accent: '#333333', icon: 'https://cdn.example/icon.png' });
    expect(variable('--confab-accent')).toBe('#333333'); // run time beats both
    expect(button.querySelector('img')!.getAttribute('src')).toBe('https://cdn.example/icon.png');
    expect(button.querySelector('img')!.hidden).toBe(false);
    open.value = true; // the close icon shows while the panel is open
    expect(button.querySelector('img')!.hidden).toBe(true);
    expect(button.querySelector('svg')!.style.display).toBe('');

    model.set({ operatorText: '#dddddd' }); // light grey on light grey
    model.set({ radius: 4 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('operator messages');
    model.dispose();
  });
});
