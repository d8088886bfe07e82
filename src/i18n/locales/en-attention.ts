/** English of the open panel's attention chunk (views/attentive.tsx), registered by it: one string, so it does not bring the other views' strings. */
const enAttention = {
  'notify.offer': 'Notify me of replies',
} satisfies Record<string, string>;

export default enAttention;
