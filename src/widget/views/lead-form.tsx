import { useRef } from 'preact/hooks';
import type { LeadField } from '../../protocol';
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t, type MessageKey } from '../../i18n';
import type { WidgetState } from '../state';
import { FORM_CSS } from '../../themes/form-css';
import { safeHref } from './rich-text';
import { addStyles } from './styles';

addStyles(FORM_CSS);
addEnglish(enViews);

const INPUTS: Record<LeadField, { type: string; autocomplete: string; inputMode?: 'tel' | 'email' }> = {
  name: { type: 'text', autocomplete: 'name' },
  phone: { type: 'tel', autocomplete: 'tel', inputMode: 'tel' },
  email: { type: 'email', autocomplete: 'email', inputMode: 'email' },
  message: { type: 'textarea', autocomplete: 'off' },
};
const ORDER: LeadField[] = ['name', 'phone', 'email', 'message'];

/** The request form shown when no one can chat; validated on blur and on submit. */
export function LeadForm({ state }: { state: WidgetState }) {
  const form = useRef<HTMLFormElement>(null);
  const { leadForm } = state;
  const draft = leadForm.draft.value;
  const errors = leadForm.errors.value;
  const { fields, privacyPolicyUrl } = leadForm.config.value;
  const reason = state.availability.value?.reason;
  const policy = privacyPolicyUrl ? safeHref(privacyPolicyUrl) : null;
  const errorText = (code: string) => t(`form.error.${code}` as MessageKey);

  const submit = (event: Event) => {
    event.preventDefault();
    if (state.submitLead()) return;
    // Take the visitor to the first field that needs them.
    requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid=true]')?.focus());
  };

  return (
    <form class="lead" ref={form} noValidate onSubmit={submit} aria-labelledby="confab-form-title">
      {state.chatOffer.value && (
        <div class="offer" role="status">
          <span>{t('offer.text')}</span>
          <button type="button" onClick={state.chooseChat}>
            {t('offer.chat')}
          </button>
        </div>
      )}
      <h2 id="confab-form-title">{t('form.title')}</h2>
      <p class="intro">{t(reason === 'hours' ? 'form.intro.hours' : 'form.intro.nobody')}</p>
      {Object.keys(errors).length > 0 && (
        <p class="summary" role="alert">
          {t('form.errorSummary')}
        </p>
      )}
      {ORDER.filter((field) => fields[field] !== 'hidden').map((field) => {
        const id = `confab-${field}`;
        const error = errors[field];
        const { type, autocomplete, inputMode } = INPUTS[field];
        const props = {
          id,
          name: field,
          value: draft[field],
          autocomplete,
          inputMode,
          required: fields[field] === 'required',
          'aria-invalid': Boolean(error),
          'aria-describedby': error ? `${id}-error` : field === 'phone' || field === 'email' ? 'confab-contact-hint' : undefined,
          onInput: (e: Event) => leadForm.set(field, (e.currentTarget as HTMLInputElement).value),
          onBlur: () => leadForm.blur(field),
        };
        return (
          <div class="field" key={field}>
            <label for={id}>
              {t(`form.${field}` as MessageKey)}
              {fields[field] === 'optional' && field !== 'phone' && field !== 'email' && (
                <span class="optional"> {t('form.optional')}</span>
              )}
            </label>
            {type === 'textarea' ? <textarea rows={3} {...props} /> : <input type={type} {...props} />}
            {error && (
              <p class="error" id={`${id}-error`}>
                {errorText(error)}
              </p>
            )}
          </div>
        );
      })}
      <p class="hint" id="confab-contact-hint">
        {t('form.contactHint')}
      </p>
      {/* People never see this field; bots fill it in. */}
      <div class="hp" aria-hidden="true">
        <label>
          Website
          <input
            name="website"
            tabIndex={-1}
            autocomplete="off"
            value={draft.website}
            onInput={(e) => leadForm.set('website', e.currentTarget.value)}
          />
        </label>
      </div>
      <div class="field consent">
        <label>
          <input
            type="checkbox"
            name="consent"
            checked={draft.consent}
            aria-invalid={Boolean(errors.consent)}
            aria-describedby={errors.consent ? 'confab-consent-error' : undefined}
            onChange={(e) => leadForm.set('consent', e.currentTarget.checked)}
          />
          <span>
            {t('form.consent')}
            {policy && (
              <>
                {' '}
                (<a href={policy} target="_blank" rel="noopener noreferrer">{t('form.privacy')}</a>)
              </>
            )}
          </span>
        </label>
        {errors.consent && (
          <p class="error" id="confab-consent-error">
            {errorText(errors.consent)}
          </p>
        )}
      </div>
      <button type="submit" class="primary">
        {t('form.submit')}
      </button>
    </form>
  );
}

/** "Thank you, we will contact you"; the widget closes itself a moment later. */
export function Thanks({ state }: { state: WidgetState }) {
  const waiting = state.leadOutbox.items.value.length > 0 && state.connection.value !== 'online';
  return (
    <div class="thanks" role="status">
      <h2>{t('thanks.title')}</h2>
      <p>{t('thanks.text')}</p>
      {waiting && <p class="intro">{t('thanks.pending')}</p>}
    </div>
  );
}
