/**
 * Text made safe inside Pango markup (what sharp's `text` input parses): `&`, `<`, `>`, quotes
 * become entities, so `&` renders an ampersand instead of starting an entity and `<` does not
 * open a tag.
 *
 * ```ts
 * escapeMarkup('a<b & "c"');   // 'a&lt;b &amp; &quot;c&quot;'
 * ```
 */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
