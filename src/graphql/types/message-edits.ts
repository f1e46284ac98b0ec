// Message: editing and deleting.
import { parseId } from '../../core/ids.js';
import { builder } from '../builder.js';
import { MessageRef } from './message.js';

builder.mutationField('editMessage', (t) =>
  t.field({
    type: MessageRef,
    description:
      'Replaces the text of your own message; its `id` and `cursor` stay, `editedAt` is set. NOT_FOUND for an ' +
      'unknown message, FORBIDDEN for non-members and for others\' messages, and with reason EDIT_WINDOW_CLOSED ' +
      'once EDIT_WINDOW_SECONDS have passed since it was sent. System and deleted messages are BAD_USER_INPUT.',
    rateLimit: { points: 20, duration: 10 },
    args: {
      messageId: t.arg.id({ required: true, description: 'The message.' }),
      text: t.arg.string({ required: true, description: 'The new text, as for `sendMessage` (ciphertext when `encrypted`).' }),
      encrypted: t.arg.boolean({ description: 'True when `text` is end-to-end-encrypted ciphertext.' }),
    },
    resolve: async (_root, { messageId, text, encrypted }, ctx) =>
      ctx.chat.edits.edit(await ctx.viewer(), parseId('message', messageId, 'messageId'), text, encrypted),
  }),
);

builder.mutationField('deleteMessage', (t) =>
  t.field({
    type: MessageRef,
    description:
      'Deletes your own message and returns its tombstone: it keeps its place in history with `deletedAt`, ' +
      'empty `text`, not encrypted. Deleting it again returns the same tombstone.',
    rateLimit: { points: 20, duration: 10 },
    args: { messageId: t.arg.id({ required: true, description: 'The message.' }) },
    resolve: async (_root, { messageId }, ctx) => ctx.chat.edits.delete(await ctx.viewer(), parseId('message', messageId, 'messageId')),
  }),
);
