/**
 * "Save chat": the conversation as a file — plain text, or a web page of escaped text —
 * with its files as links, or by e-mail. The server writes the transcript
 * (server/src/transcript.ts) and mails it only to an address the visitor typed here or in
 * the request form, or a verified one (server/src/follow-up.ts); when it knows none, the
 * visitor is asked for one. Part of the lazily loaded chat tools (end-chat.tsx, rating.tsx).
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import enViews from '../../i18n/locales/en-views';
import { addEnglish, t } from '../../i18n';
import type { TranscriptFormat } from '../../protocol';
import { CONTROLS_CSS } from '../../themes/controls-css';
import type { WidgetModel } from '../widget';
import { addStyles } from './styles';

addEnglish(enViews);
addStyles(CONTROLS_CSS);
addStyles(`
.transcript{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:0;min-inline-size:0;padding:8px 12px;font-size:12px;border:0;border-bottom:1px solid rgba(0,0,0,.06)}
.transcript form{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;width:100%}
.transcript .field{flex:1;min-width:12em}
.transcript .primary{padding:8px 14px}
.transcript [role=status]:empty{display:none}
.transcript [role=status]{margin:0;width:100%}
`);

type MailState = 'idle' | 'address' | 'sending' | 'sent' | 'failed';

/** Hands a file to the browser's downloads (a link clicked in script; nothing leaves the page). */
function save(filename: string, mime: string, body: string) {
  const url = URL.createObjectURL(new Blob([body], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // The download has its own copy once started; the object URL need not live on.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function TranscriptTools({ widget, conversationId }: { widget: WidgetModel; conversationId: string }) {
  const [mail, setMail] = useState<MailState>('idle');
  const [email, setEmail] = useState('');
  const [failed, setFailed] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  const address = useRef<HTMLInputElement>(null);
  // Opened from "Save chat": focus moves into the tools, and to the address when it is asked for.
  useLayoutEffect(() => first.current?.focus(), []);
  useLayoutEffect(() => {
    if (mail === 'address') address.current?.focus();
  }, [mail]);

  const download = async (format: TranscriptFormat) => {
    setFailed(false);
    const result = await widget.ask('transcript:get', { conversationId, format }).catch(() => undefined);
    if (!result?.ok) return setFailed(true);
    save(result.transcript.filename, result.transcript.mime, result.transcript.body);
  };
  const send = async (typed?: string) => {
    setMail('sending');
    const result = await widget
      .ask('transcript:email', typed ? { conversationId, email: typed } : { conversationId })
      .catch(() => undefined);
    if (result?.ok) return setMail('sent');
    // The server knows no address it may write to (or the typed one is not one): ask for it.
    setMail(result?.error.field === 'email' ? 'address' : 'failed');
  };
  const status = mail === 'sent' ? t('transcript.sent') : failed || mail === 'failed' ? t('transcript.failed') : '';

  return (
    <fieldset class="transcript" aria-label={t('transcript.label')}>
      <button type="button" class="link" ref={first} onClick={() => void download('text')}>
        {t('transcript.text')}
      </button>
      <button type="button" class="link" onClick={() => void download('html')}>
        {t('transcript.html')}
      </button>
      {widget.conversation.site.value?.transcriptByEmail &&
        (mail === 'address' ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void send(email.trim());
            }}
          >
            <label class="field">
              <span>{t('transcript.address')}</span>
              <input
                ref={address}
                type="email"
                name="email"
                autocomplete="email"
                required
                maxLength={254}
                value={email}
                onInput={(event) => setEmail(event.currentTarget.value)}
              />
            </label>
            <button type="submit" class="primary">
              {t('transcript.send')}
            </button>
          </form>
        ) : (
          mail !== 'sent' && (
            <button type="button" class="link" disabled={mail === 'sending'} onClick={() => void send()}>
              {t('transcript.email')}
            </button>
          )
        ))}
      <p role="status">{status}</p>
    </fieldset>
  );
}
