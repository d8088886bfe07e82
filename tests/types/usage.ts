/**
 * Type tests for the published API, compiled against the built `.d.ts` files with both
 * `moduleResolution: NodeNext` and `Bundler` (npm test). Each `@ts-expect-error` line
 * must fail to compile: if the types stopped catching it, tsc reports the unused directive.
 */
import { createConfab, type ConfabFunction, type HostEvents } from 'confab';

const confab: ConfabFunction = createConfab({ site: 'demo', server: 'https://chat.example.com', position: 'left' });

confab('open');
confab('close');
confab('toggle');
confab('send', 'Hello');
confab('update', { lang: 'de', position: 'right', color: '#0b6bcb' });
confab('identify', 'header.payload.signature');
confab('reset');
confab('consent', true);
confab('theme', { accent: '#0b6bcb', mode: 'dark' });
confab('locale', 'pt-BR');
void confab.ready.then(() => undefined);

// Event callbacks receive the event's detail.
confab('on', 'message', (detail) => {
  const author: 'visitor' | 'operator' = detail.author;
  const text: string = detail.text;
  void [author, text];
});
confab('on', 'unread', ({ count }) => void (count satisfies number));
confab('on', 'lead', ({ leadId }) => void (leadId satisfies string));
confab('off', 'rating', (detail: HostEvents['rating']) => void detail.score);

// @ts-expect-error a misspelt command
confab('opne');
// @ts-expect-error send needs the text
confab('send');
// @ts-expect-error send takes a string
confab('send', 42);
// @ts-expect-error update takes an object
confab('update', 'left');
// @ts-expect-error position is "left" or "right"
confab('update', { position: 'top' });
// @ts-expect-error an option update does not know
confab('update', { colour: '#000' });
// @ts-expect-error consent can only be given
confab('consent', false);
// @ts-expect-error no such event
confab('on', 'opened', () => undefined);
// @ts-expect-error the message detail has no score
confab('on', 'message', (detail) => detail.score);
// @ts-expect-error the unread detail's count is a number
confab('on', 'unread', (detail: { count: string }) => detail.count);
// @ts-expect-error the theme's mode is light, dark or auto
confab('theme', { mode: 'dim' });
// @ts-expect-error createConfab needs a site
createConfab({ server: 'https://chat.example.com' });
// @ts-expect-error position is "left" or "right"
createConfab({ site: 'demo', server: 'https://chat.example.com', position: 'center' });
