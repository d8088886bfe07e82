/**
 * The composer's tool buttons: attach files, record a voice message, pick an emoji. Each
 * opens its tool above the composer (attach-tools.tsx). Their icons are SVG, so they show
 * on systems without a colour-emoji font.
 */
import enTools from '../../i18n/locales/en-tools';
import { addEnglish, t, type MessageKey } from '../../i18n';
import type { WidgetModel } from '../widget';
import { stageFiles, tool } from './composer';
import { icon } from './icons';

// Here rather than in icons.tsx: a module goes whole into one chunk, and these load with the tools.
const AttachIcon = icon(
  'M16.5 6v11.5a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6H9v9.5a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v12.5a6 6 0 0 0 12 0V6z',
);
const MicIcon = icon(
  'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9z',
);
const SmileIcon = icon(
  'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5-3.5H7a5.5 5.5 0 0 0 5 3.5z',
);

addEnglish(enTools);

export function ComposerTools({ widget }: { widget: WidgetModel }) {
  const uploads = widget.conversation.site.value?.uploads;
  return (
    <>
      {uploads && (
        <label class="icon-button">
          <input
            type="file"
            multiple
            class="sr-only"
            aria-label={t('composer.attach')}
            onChange={(event) => {
              stageFiles(widget, event.currentTarget.files);
              event.currentTarget.value = '';
            }}
          />
          <AttachIcon />
        </label>
      )}
      {(uploads ? ['voice', 'emoji'] : ['emoji']).map((name) => (
        <button
          type="button"
          class="icon-button"
          aria-label={t(`composer.${name}` as MessageKey)}
          aria-expanded={tool.value === name}
          onClick={() => (tool.value = tool.value === name ? '' : name)}
        >
          {name === 'voice' ? <MicIcon /> : <SmileIcon />}
        </button>
      ))}
    </>
  );
}
