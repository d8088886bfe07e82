/**
 * The designer: the real widget (the built bundle, /widget/widget.js) in every state,
 * restyled live as colours, position, offsets, icon, radius, font, mode and language
 * change; contrast warnings beside the colours; the snippet and the site-config JSON to
 * copy. It needs no server: the preview's transport is scripted.
 */
import { render } from 'preact';
import { computed, effect, signal } from '@preact/signals';
import { PHONE_LAYOUT } from '../../src/widget/phone-layout';
import { SUPPORTED_LOCALES } from '../../src/i18n';
import { parseConfig } from '../../src/loader/config';
import type { WidgetInstance, WidgetModule } from '../../src/loader/contract';
import { createHost, styleHost } from '../../src/loader/launcher';
import { adoptStyles } from '../../src/loader/styles';
import { AA_TEXT, TEXT_PAIRS, contrastRatio } from '../../src/themes/contrast';
import { resolveColors } from '../../src/themes/resolve';
import { COLOR_TOKENS, LIGHT, cssVariable, type ColorTokens, type Theme } from '../../src/themes/tokens';
import { previewTransport, type PreviewState } from './preview-transport';

const STATES: [PreviewState, string][] = [
  ['launcher', 'Launcher'],
  ['unread', 'Launcher with unread'],
  ['chat', 'Open chat'],
  ['form', 'Request form (errors)'],
  ['thanks', 'Thank-you'],
  ['rating', 'Rating'],
  ['ended', 'Chat ended'],
  ['spam', 'Ended as spam'],
];
const LABELS: Record<keyof ColorTokens, string> = {
  accent: 'Accent / launcher',
  onAccent: 'Launcher icon and header text',
  panelBackground: 'Panel background',
  panelText: 'Panel text',
  mutedText: 'Secondary text',
  visitorBubble: 'Visitor message background',
  visitorText: 'Visitor message text',
  operatorBubble: 'Operator message background',
  operatorText: 'Operator message text',
};
const FONTS = ['', 'Georgia, serif', '"Helvetica Neue", Arial, sans-serif', '"Courier New", monospace'];
const SITE = 'designer-preview';

const theme = signal<Theme>({ position: 'right', mode: 'light' });
const lang = signal('en');
// On a phone the open panel covers the screen, as it does for a visitor, and the designer
// with it: there it starts at the launcher, which opens the preview and closes it again.
const state = signal<PreviewState>(matchMedia(PHONE_LAYOUT).matches ? 'launcher' : 'chat');
// Wide screens keep the panel's side clear of the form (designer.css), whichever side it is
// on and however far from the edge: the panel's 370 px, its offset and a 20 px gap.
effect(() => {
  document.body.dataset.panel = theme.value.position;
  document.body.style.setProperty('--panel-room', `${390 + (theme.value.offsetX ?? 20)}px`);
});
const copied = signal('');

/** Kebab-case attribute names: visitorBubble → data-visitor-bubble. */
const attribute = (key: string) => `data-${cssVariable(key).slice('--confab-'.length)}`;
const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Only what differs from the defaults, so the snippet stays short. */
const changes = computed(() =>
  Object.entries(theme.value).filter(
    ([key, value]) =>
      value !== undefined &&
      value !== '' &&
      !(key === 'position' && value === 'right') &&
      !(key === 'mode' && value === 'light') &&
      !(key in LIGHT && LIGHT[key as keyof ColorTokens] === value),
  ),
);
const snippet = computed(() => {
  const attrs = [`data-site="demo"`, ...(lang.value !== 'en' ? [`data-lang="${lang.value}"`] : [])];
  for (const [key, value] of changes.value) {
    attrs.push(`${key === 'accent' ? 'data-color' : attribute(key)}="${escapeAttribute(String(value))}"`);
  }
  return `<script async src="${location.origin}/loader.js" ${attrs.join(' ')}></script>`;
});
const siteConfig = computed(() => JSON.stringify({ theme: Object.fromEntries(changes.value) }, null, 2));

let widget: Promise<WidgetModule> | undefined;
let current: { instance: WidgetInstance; host: HTMLElement } | undefined;

async function mountPreview() {
  current?.instance.command('destroy', []);
  current?.host.remove();
  for (const key of Object.keys(localStorage)) if (key.startsWith(`confab:${SITE}:`)) localStorage.removeItem(key);
  const config = parseConfig({ site: SITE, lang: lang.value, position: theme.value.position }, '/loader.js', () => {})!;
  const { host, root, launcher } = createHost(config);
  document.body.append(host);
  // A URL held in a variable: the designer loads the built widget at run time, as a page would.
  const bundle = '/widget/widget.js';
  widget ??= import(/* @vite-ignore */ bundle) as Promise<WidgetModule>;
  const mod = await widget;
  const instance = mod.mount({
    config,
    host,
    root,
    launcher,
    queue: [['theme', theme.value]],
    // Like the loader, the designer hands over the parts the built widget does not carry.
    loader: { parseConfig, adoptStyles, styleHost },
    deps: { createTransport: previewTransport(state.value, 'Demo shop') },
  });
  current = { instance, host };
  // As on a site (the loader's part): the launcher opens and closes the preview.
  launcher.button.addEventListener('click', () => instance.command('toggle', []));
  const wanted = state.value;
  if (wanted === 'launcher' || wanted === 'unread') return;
  instance.command('open', []);
  if (wanted === 'form' || wanted === 'thanks') fillForm(root, wanted, instance);
}

/** The form states need a form: empty and sent for errors, or filled and sent for thanks. */
function fillForm(root: ShadowRoot, wanted: PreviewState, instance: WidgetInstance) {
  const timer = setInterval(() => {
    const form = root.querySelector<HTMLFormElement>('form.lead');
    if (!form) return;
    clearInterval(timer);
    if (wanted === 'thanks') {
      const set = (name: string, value: string) => {
        const field = form.querySelector<HTMLInputElement>(`[name=${name}]`)!;
        field.value = value;
        field.dispatchEvent(new Event('input', { bubbles: true }));
      };
      set('phone', '+7 701 555 01 02');
      const consent = form.querySelector<HTMLInputElement>('[name=consent]')!;
      consent.checked = true;
      consent.dispatchEvent(new Event('change', { bubbles: true }));
      // The thank-you closes the widget after a moment; show it again while this state is picked.
      instance.command('on', ['close', () => state.value === 'thanks' && setTimeout(() => void mountPreview(), 800)]);
    }
    form.requestSubmit();
  }, 50);
}

function update(patch: Theme) {
  theme.value = { ...theme.value, ...patch };
  current?.instance.command('theme', [patch]);
}

function ColorField({ token }: { token: keyof ColorTokens }) {
  const colors = resolveColors(theme.value, false);
  const pair = TEXT_PAIRS.find(([text]) => text === token);
  const ratio = pair ? contrastRatio(colors[pair[0]], colors[pair[1]]) : null;
  return (
    <div class="row">
      <label for={`color-${token}`}>{LABELS[token]}</label>
      <input
        id={`color-${token}`}
        type="color"
        name={token}
        value={colors[token]}
        onInput={(e) => update({ [token]: e.currentTarget.value })}
      />
      <code>{colors[token]}</code>
      {ratio !== null && ratio < AA_TEXT && (
        <span class="warning" role="status" data-warning={token}>
          ⚠ {ratio.toFixed(2)}:1 on {LABELS[pair![1]].toLowerCase()} — below WCAG AA {AA_TEXT}:1
        </span>
      )}
    </div>
  );
}

function Designer() {
  return (
    <main>
      <h1>Confab designer</h1>
      <p>The real widget, in the corner of this page. Pick a state, change the look, copy the result.</p>
      <fieldset>
        <legend>State</legend>
        <select
          name="state"
          aria-label="Widget state"
          value={state.value}
          onChange={(e) => {
            state.value = e.currentTarget.value as PreviewState;
            void mountPreview();
          }}
        >
          {STATES.map(([id, label]) => (
            <option value={id}>{label}</option>
          ))}
        </select>
      </fieldset>
      <fieldset>
        <legend>Colours</legend>
        {COLOR_TOKENS.map((token) => (
          <ColorField token={token} />
        ))}
      </fieldset>
      <fieldset>
        <legend>Layout and type</legend>
        <div class="row">
          <label for="position">Position</label>
          <select
            id="position"
            name="position"
            value={theme.value.position}
            onChange={(e) => update({ position: e.currentTarget.value as 'left' | 'right' })}
          >
            <option value="right">Bottom right</option>
            <option value="left">Bottom left</option>
          </select>
        </div>
        {(['offsetX', 'offsetY'] as const).map((key) => (
          <div class="row">
            <label for={key}>{key === 'offsetX' ? 'Side offset (px)' : 'Bottom offset (px)'}</label>
            <input
              id={key}
              name={key}
              type="number"
              min={0}
              max={400}
              value={theme.value[key] ?? 20}
              onInput={(e) => update({ [key]: Number(e.currentTarget.value) })}
            />
          </div>
        ))}
        <div class="row">
          <label for="radius">Corner radius (px)</label>
          <input
            id="radius"
            name="radius"
            type="range"
            min={0}
            max={32}
            value={theme.value.radius ?? 16}
            onInput={(e) => update({ radius: Number(e.currentTarget.value) })}
          />
        </div>
        <div class="row">
          <label for="font">Font</label>
          <select
            id="font"
            name="fontFamily"
            value={theme.value.fontFamily ?? ''}
            onChange={(e) => update({ fontFamily: e.currentTarget.value || undefined })}
          >
            {FONTS.map((font) => (
              <option value={font}>{font || 'System'}</option>
            ))}
          </select>
        </div>
        <div class="row">
          <label for="mode">Mode</label>
          <select
            id="mode"
            name="mode"
            value={theme.value.mode}
            onChange={(e) => update({ mode: e.currentTarget.value as Theme['mode'] })}
          >
            <option value="light">Light</option>
            <option value="dark">Dark</option>
            <option value="auto">Follow the system</option>
          </select>
        </div>
        <div class="row">
          <label for="icon">Launcher icon URL</label>
          <input
            id="icon"
            name="icon"
            type="url"
            placeholder="https://…"
            value={theme.value.icon ?? ''}
            onChange={(e) => update({ icon: e.currentTarget.value || undefined })}
          />
        </div>
        <div class="row">
          <label for="lang">Language</label>
          <select
            id="lang"
            name="lang"
            value={lang.value}
            onChange={(e) => {
              lang.value = e.currentTarget.value;
              current?.instance.command('locale', [lang.value]);
            }}
          >
            {SUPPORTED_LOCALES.map((code) => (
              <option value={code}>{code}</option>
            ))}
          </select>
        </div>
      </fieldset>
      <fieldset>
        <legend>Snippet</legend>
        <textarea name="snippet" aria-label="Snippet for the site's pages" readOnly rows={4} value={snippet.value} />
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(snippet.value).then(
              () => (copied.value = 'Copied.'),
              () => (copied.value = 'Select the text and copy it.'),
            )
          }
        >
          Copy snippet
        </button>{' '}
        <span role="status">{copied.value}</span>
        <p>Or put this in the site's config (demo/sites.json):</p>
        <textarea name="config" aria-label="Theme for the site's config" readOnly rows={6} value={siteConfig.value} />
      </fieldset>
    </main>
  );
}

render(<Designer />, document.getElementById('designer')!);
void mountPreview();
