import { useState } from 'preact/hooks';
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import { CONTROLS_CSS } from '../../themes/controls-css';
import { RATING_CSS } from '../../themes/rating-css';
import type { WidgetModel } from '../widget';
import { addStyles } from './styles';

addStyles(CONTROLS_CSS);
addStyles(RATING_CSS);
addEnglish(enViews);

/** 1–5 stars and an optional comment, invited for low scores (seeds 003, 004). */
export function RatingView({ widget: { conversation, ending } }: { widget: WidgetModel }) {
  const rating = conversation.rating.value;
  const [comment, setComment] = useState(rating?.comment ?? '');
  const score = rating?.score;
  return (
    <div class="rating">
      <h2 id="confab-rating-title">{t('rating.title')}</h2>
      <div class="stars" role="radiogroup" aria-labelledby="confab-rating-title">
        {[1, 2, 3, 4, 5].map((n) => (
          // biome-ignore lint/a11y/useSemanticElements: a star radiogroup of buttons keeps one focus stop per star and the draft-then-final rating without a form
          <button
            type="button"
            role="radio"
            aria-checked={score === n}
            aria-label={t('rating.star', { count: n })}
            class={score && n <= score ? 'star on' : 'star'}
            onClick={() => void ending.rate(n, comment.trim() || undefined, false)}
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
            onClick={() => void ending.rate(score, comment.trim() || undefined, true)}
          >
            {t('rating.send')}
          </button>
        </>
      )}
      <button type="button" class="link" onClick={() => void ending.dismissRating()}>
        {t('rating.skip')}
      </button>
    </div>
  );
}
