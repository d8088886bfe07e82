import { useRef, useState } from 'preact/hooks';
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import { CONTROLS_CSS } from '../../themes/controls-css';
import { RATING_CSS } from '../../themes/rating-css';
import type { WidgetModel } from '../widget';
import { addStyles } from './styles';
import { TranscriptTools } from './transcript';

addStyles(CONTROLS_CSS);
addStyles(RATING_CSS);
addEnglish(enViews);

const STARS = [1, 2, 3, 4, 5];

/**
 * 1–5 stars and an optional comment, invited for low scores (seeds 003, 004). The stars
 * are one radio group: one tab stop (the chosen star, or the first), and the arrow keys
 * move and choose, as radio buttons do (right-to-left pages reverse left and right).
 * "Save chat" keeps the ended conversation (transcript.tsx).
 */
export function RatingView({ widget }: { widget: WidgetModel }) {
  const { conversation, ending } = widget;
  const rating = conversation.rating.value;
  const [comment, setComment] = useState(rating?.comment ?? '');
  const [saving, setSaving] = useState(false);
  const stars = useRef<HTMLDivElement>(null);
  const score = rating?.score;
  const choose = (n: number) => void ending.rate(n, comment.trim() || undefined, false);
  /**
   * The rating gives way to the chat and the button that had the keyboard goes with it: a
   * visitor on the keyboard goes on in the composer (a tap leaves the focus be, so that a
   * phone does not pop up its keyboard).
   */
  const toComposer = (button: HTMLElement) => {
    const root = button.matches(':focus-visible') && (button.getRootNode() as ParentNode);
    return () => root && requestAnimationFrame(() => root.querySelector<HTMLElement>('.composer textarea')?.focus());
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const rtl = getComputedStyle(event.currentTarget as Element).direction === 'rtl';
    const forward = event.key === 'ArrowUp' || event.key === (rtl ? 'ArrowLeft' : 'ArrowRight');
    const back = event.key === 'ArrowDown' || event.key === (rtl ? 'ArrowRight' : 'ArrowLeft');
    if (!forward && !back) return;
    event.preventDefault();
    // From the chosen star (or the first, which holds the focus while none is); wrapping at either end.
    const next = (((score ?? 1) - 1 + (forward ? 1 : -1) + 5) % 5) + 1;
    choose(next);
    stars.current?.querySelectorAll<HTMLButtonElement>('.star')[next - 1]?.focus();
  };
  return (
    <div class="rating">
      <h2 id="confab-rating-title">{t('rating.title')}</h2>
      <div class="stars" role="radiogroup" aria-labelledby="confab-rating-title" ref={stars} onKeyDown={onKeyDown}>
        {STARS.map((n) => (
          // biome-ignore lint/a11y/useSemanticElements: a star radiogroup of buttons keeps the draft-then-final rating without a form
          <button
            type="button"
            role="radio"
            aria-checked={score === n}
            aria-label={t('rating.star', { count: n })}
            tabIndex={n === (score ?? 1) ? 0 : -1}
            class={score && n <= score ? 'star on' : 'star'}
            onClick={() => choose(n)}
          >
            ★
          </button>
        ))}
      </div>
      {score !== undefined && (
        <>
          <label class="field">
            <span>{score < 4 ? t('rating.commentLow') : t('rating.comment')}</span>
            <textarea rows={3} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </label>
          <button
            type="button"
            class="primary"
            onClick={(event) => {
              const thenComposer = toComposer(event.currentTarget);
              void ending.rate(score, comment.trim() || undefined, true).then((sent) => sent && thenComposer());
            }}
          >
            {t('rating.send')}
          </button>
        </>
      )}
      <button
        type="button"
        class="link"
        onClick={(event) => {
          const thenComposer = toComposer(event.currentTarget);
          void ending.dismissRating();
          thenComposer();
        }}
      >
        {t('rating.skip')}
      </button>
      {rating && (
        <button type="button" class="link" aria-expanded={saving} onClick={() => setSaving(!saving)}>
          {t('transcript.save')}
        </button>
      )}
      {rating && saving && <TranscriptTools widget={widget} conversationId={rating.conversationId} />}
    </div>
  );
}
