import { Fragment } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { LeadField } from '../../protocol';
import { checkField, LEAD_LIMITS, validateLead } from '../../protocol/lead';
import { addLeadRules } from '../models/lead-rules';
import enViews from '../../i18n/locales/en-views';
import { addEnglish, locale, t, type MessageKey } from '../../i18n';
import type { WidgetModel } from '../widget';
import { CONTROLS_CSS } from '../../themes/controls-css';
import { FORM_CSS } from '../../themes/form-css';
import { safeHref } from '../../protocol/rules';
import { addStyles } from './styles';

addLeadRules({ checkField, validateLead });
addStyles(CONTROLS_CSS);
addStyles(FORM_CSS);
addEnglish(enViews);

const INPUTS: Record<LeadField, { type: string; autocomplete: string; inputMode?: 'tel' | 'email' }> = {
  name: { type: 'text', autocomplete: 'name' },
  phone: { type: 'tel', autocomplete: 'tel', inputMode: 'tel' },
  email: { type: 'email', autocomplete: 'email', inputMode: 'email' },
  message: { type: 'textarea', autocomplete: 'off' },
};
const ORDER: LeadField[] = ['name', 'phone', 'email', 'message'];

/**
 * Fields left while a pointer is pressed in the form. Their check waits until the click
 * has landed (after `pointerup`): an error appearing earlier would move the layout under
 * the pointer, and the click (say, on the consent box) would land on whatever moved there.
 */
let held: LeadField[] | null = null;

function holdChecksUntilRelease(check: (field: LeadField) => void) {
  if (held) return;
  held = [];
  const release = () => {
    removeEventListener('pointerup', release, true);
    removeEventListener('pointercancel', release, true);
    setTimeout(() => {
      const fields = held ?? [];
      held = null;
      fields.forEach(check);
    });
  };
  addEventListener('pointerup', release, true);
  addEventListener('pointercancel', release, true);
}

/** The request form shown when no one can chat; validated on blur and on submit. */
/** When the team is back, in the visitor's time zone and language: the time today, else the day and time. */
function formatOpening(at: number, lang: string): string {
  const today = new Date().toDateString() === new Date(at).toDateString();
  return new Intl.DateTimeFormat(lang, {
    ...(today ? {} : { weekday: 'long' }),
    hour: 'numeric',
    minute: '2-digit',
  }).format(at);
}

/**
 * Moves the keyboard to `target` once the panel is open, when it is nowhere in the panel
 * and either lost (the control that had it went away: the composer, the form's button) or
 * on a control the visitor reached by keyboard (the launcher, which on a phone is under
 * the full-screen panel). A tap leaves it be: a field focused on a phone pops up its
 * keyboard over the form.
 */
function useFocusOnOpen(widget: WidgetModel, target: () => HTMLElement | null | undefined, shown: unknown) {
  const open = widget.panel.isOpen.value;
  useEffect(() => {
    const element = target();
    const panel = element?.closest('.panel');
    const focused = (element?.getRootNode() as ShadowRoot | undefined)?.activeElement ?? null;
    if (!open || !panel || panel.contains(focused)) return;
    if (!focused || focused.matches(':focus-visible')) element!.focus();
  }, [open, shown]);
}

export function LeadForm({ widget }: { widget: WidgetModel }) {
  const form = useRef<HTMLFormElement>(null);
  const { request } = widget;
  // The model's chunk loads beside this one (the view model asks for it with the form).
  const leadForm = request.form.value;
  useFocusOnOpen(widget, () => form.current?.querySelector<HTMLElement>('input, textarea'), leadForm);
  if (!leadForm) return null;
  const draft = leadForm.draft.value;
  const errors = leadForm.errors.value;
  const { fields, privacyPolicyUrl } = leadForm.config.value;
  const reason = widget.availability.value?.reason;
  const opensAt = widget.availability.value?.opensAt;
  const policy = privacyPolicyUrl ? safeHref(privacyPolicyUrl) : null;
  const errorText = (code: string) => t(`form.error.${code}` as MessageKey);
  // "A phone or an e-mail" is advice only when both are offered; said once, as the hint.
  const both = fields.phone !== 'hidden' && fields.email !== 'hidden';
  const contactMissing = errors.phone === 'contact' || errors.email === 'contact';
  const fieldError = (field: LeadField) => {
    const error = errors[field];
    return error === 'contact' ? (both ? undefined : 'required') : error;
  };
  // Too long says by how much, as the composer does: the count follows the typing until the error goes.
  const fieldErrorText = (field: LeadField, error: string) =>
    error === 'tooLong'
      ? t('composer.tooLong', { count: (draft[field] ?? '').trim().length - LEAD_LIMITS[field] })
      : errorText(error);

  const submit = (event: Event) => {
    event.preventDefault();
    if (request.submit()) return;
    // Take the visitor to the first field that needs them.
    requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid=true]')?.focus());
  };

  return (
    <form
      class="lead"
      ref={form}
      noValidate
      onSubmit={submit}
      aria-labelledby="confab-form-title"
      onPointerDown={() => holdChecksUntilRelease(leadForm.blur)}
    >
      {widget.view.chatOffer.value && (
        <div class="offer" role="status">
          <span>{t('offer.text')}</span>
          <button
            type="button"
            onClick={() => {
              // The form gives way to the chat: the visitor goes on in the composer.
              const root = form.current?.getRootNode() as ParentNode | undefined;
              widget.view.chooseChat();
              requestAnimationFrame(() => root?.querySelector<HTMLElement>('.composer textarea')?.focus());
            }}
          >
            {t('offer.chat')}
          </button>
        </div>
      )}
      <h2 id="confab-form-title">{t('form.title')}</h2>
      {/* Closed, everyone busy with other chats, or nobody there: the visitor reads which. */}
      <p class="intro">{t(`form.intro.${reason ?? 'nobody'}` as const)}</p>
      {reason === 'hours' && opensAt && opensAt > Date.now() && (
        <p class="intro">{t('form.opensAt', { time: formatOpening(opensAt, locale.value.code) })}</p>
      )}
      {Object.keys(errors).length > 0 && (
        <p class="summary" role="alert">
          {t('form.errorSummary')}
        </p>
      )}
      {ORDER.filter((field) => fields[field] !== 'hidden').map((field) => {
        const id = `confab-${field}`;
        const error = fieldError(field);
        const invalid = Boolean(errors[field]);
        const { type, autocomplete, inputMode } = INPUTS[field];
        const props = {
          id,
          name: field,
          value: draft[field],
          autocomplete,
          inputMode,
          required: fields[field] === 'required',
          'aria-invalid': invalid,
          'aria-describedby': error
            ? `${id}-error`
            : both && (field === 'phone' || field === 'email')
              ? 'confab-contact-hint'
              : undefined,
          onInput: (e: Event) => leadForm.set(field, (e.currentTarget as HTMLInputElement).value),
          onBlur: () => (held ? held.push(field) : leadForm.blur(field)),
        };
        return (
          <Fragment key={field}>
            <div class="field">
              <label for={id}>
                {t(`form.${field}` as MessageKey)}
                {fields[field] === 'optional' && field !== 'phone' && field !== 'email' && (
                  <span class="optional"> {t('form.optional')}</span>
                )}
              </label>
              {type === 'textarea' ? <textarea rows={3} {...props} /> : <input type={type} {...props} />}
              {error && (
                <p class="error" id={`${id}-error`}>
                  {fieldErrorText(field, error)}
                </p>
              )}
            </div>
            {/* Under the pair it is about (e-mail follows phone), not after the message. */}
            {both && field === 'email' && (
              <p class={contactMissing ? 'hint error' : 'hint'} id="confab-contact-hint">
                {t(contactMissing ? 'form.error.contact' : 'form.contactHint')}
              </p>
            )}
          </Fragment>
        );
      })}
      {/*
        People never see this field; bots fill it in. Nothing about it may look like a
        field that autofill or a password manager knows: no id, a meaningless name, no
        label text, autocomplete off, invisible (autofill skips what cannot be focused).
      */}
      <div class="hp" aria-hidden="true">
        <input
          name="cf_trap"
          type="text"
          tabIndex={-1}
          autocomplete="off"
          data-lpignore="true"
          data-1p-ignore
          value={draft.website}
          onInput={(e) => leadForm.set('website', e.currentTarget.value)}
        />
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
                (
                <a href={policy} target="_blank" rel="noopener noreferrer">
                  {t('form.privacy')}
                </a>
                )
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
export function Thanks({ widget }: { widget: WidgetModel }) {
  const waiting = widget.request.waiting.value.length > 0 && widget.connection.value !== 'online';
  const thanks = useRef<HTMLDivElement>(null);
  // The form's button that had the keyboard is gone: it stays in the panel, and goes back
  // to the launcher when the panel closes.
  useFocusOnOpen(widget, () => thanks.current, true);
  return (
    <div class="thanks" role="status" ref={thanks} tabIndex={-1}>
      <h2>{t('thanks.title')}</h2>
      <p>{t('thanks.text')}</p>
      {waiting && <p class="intro">{t('thanks.pending')}</p>}
    </div>
  );
}
