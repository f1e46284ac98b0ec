// Input limits from the contract (all configurable) and the checks that enforce them.
import { InvalidInput } from './errors.js';

export interface InputLimits {
  /** Longest message text, in characters. @default 4000 */
  readonly maxTextLength: number;
  /** Longest user or room name, in characters. @default 64 */
  readonly maxNameLength: number;
  /** Largest page a connection field returns. @default 100 */
  readonly maxPageSize: number;
  /** Page size when the client names none. @default 50 */
  readonly defaultPageSize: number;
  /** Longest public key, in characters. @default 8192 */
  readonly maxPublicKeyLength: number;
  /** Longest clientMessageId, in characters. @default 128 */
  readonly maxClientMessageIdLength: number;
  /** Longest reaction key, in characters (code points). @default 32 */
  readonly maxReactionKeyLength: number;
  /** Most distinct reaction keys on one message. @default 20 */
  readonly maxReactionKeys: number;
}

export const defaultInputLimits: InputLimits = {
  maxTextLength: 4000,
  maxNameLength: 64,
  maxPageSize: 100,
  defaultPageSize: 50,
  maxPublicKeyLength: 8192,
  maxClientMessageIdLength: 128,
  maxReactionKeyLength: 32,
  maxReactionKeys: 20,
};

/** Counts characters as people do (code points), not UTF-16 units. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

// Control characters other than tab and newline have no place in names or chat text.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F]/;

/** Trims and checks a display name (user or room). */
export function checkName(raw: string, limits: InputLimits, field: string): string {
  const name = raw.trim();
  const length = characterCount(name);
  if (length === 0 || length > limits.maxNameLength || CONTROL_CHARACTERS.test(name) || /[\r\n\t]/.test(name)) {
    throw new InvalidInput(`"${field}" must be 1 to ${limits.maxNameLength} characters on one line.`, field);
  }
  return name;
}

/** Checks chat text; ciphertext is only measured, never inspected. */
export function checkText(text: string, encrypted: boolean, limits: InputLimits): string {
  const length = characterCount(text);
  const blank = encrypted ? length === 0 : text.trim().length === 0;
  if (blank || length > limits.maxTextLength) {
    throw new InvalidInput(`"text" must be 1 to ${limits.maxTextLength} characters and not blank.`, 'text');
  }
  if (!encrypted && CONTROL_CHARACTERS.test(text)) {
    throw new InvalidInput('"text" must not contain control characters.', 'text');
  }
  return text;
}

export function checkClientMessageId(raw: string | null | undefined, limits: InputLimits): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw.length === 0 || raw.length > limits.maxClientMessageIdLength || CONTROL_CHARACTERS.test(raw)) {
    throw new InvalidInput(
      `"clientMessageId" must be 1 to ${limits.maxClientMessageIdLength} printable characters.`,
      'clientMessageId',
    );
  }
  return raw;
}

// Whitespace (any Unicode space) and control characters have no place in a reaction key.
const NOT_IN_REACTION_KEYS = /[\s\p{Cc}]/u;

/** A reaction key as given, an emoji or a short name: 1 to 32 characters, no whitespace. */
export function checkReactionKey(key: string, limits: InputLimits): string {
  const length = characterCount(key);
  if (length === 0 || length > limits.maxReactionKeyLength || NOT_IN_REACTION_KEYS.test(key)) {
    throw new InvalidInput(`"key" must be 1 to ${limits.maxReactionKeyLength} characters without whitespace.`, 'key');
  }
  return key;
}

export function checkPageSize(value: number, limits: InputLimits, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > limits.maxPageSize) {
    throw new InvalidInput(`"${field}" must be between 1 and ${limits.maxPageSize}.`, field);
  }
  return value;
}
