/** English of the composer's tool buttons (views/composer-tools.tsx), registered by their chunk, which loads after the open chat. */
const enTools = {
  'composer.attach': 'Attach files',
  'composer.voice': 'Record voice',
  'composer.emoji': 'Emoji',
} satisfies Record<string, string>;

export default enTools;
