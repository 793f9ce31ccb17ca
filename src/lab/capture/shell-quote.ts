/**
 * Shell text from TypeScript: quoting user text (the one way it enters a
 * generated script) and a template tag for the script's own text.
 *
 * Shell text is full of backslashes (`sed 's/\(x\)/'`) and `${VAR%...}`
 * expansions, both of which a plain template literal would eat. With
 * {@link sh} the literal parts are taken raw, and `\${` stands for a shell
 * `${` (a JavaScript `${...}` still interpolates). Interpolated values are
 * inserted as they are: only generated text may be interpolated; user text
 * goes through {@link shellQuote}.
 *
 * @module
 */

/**
 * Quote text as one POSIX shell word that expands to exactly that text.
 *
 * The text goes between single quotes, where the shell expands nothing
 * (`$`, backquotes, `\`, globs and line breaks are literal); each `'` in it
 * becomes `'\''` (close the quote, an escaped quote, reopen).
 *
 * @param text - Any text without NUL (a shell variable cannot hold NUL).
 * @returns The quoted word, e.g. `'it'\''s'` for `it's`.
 * @remarks Context: any; pure.
 */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * A shell assignment `NAME='value'` on one line of its own.
 *
 * @param name - Variable name (letters, digits, `_`; not starting with a digit).
 * @param value - Value, quoted with {@link shellQuote}.
 * @returns The assignment text, without a newline.
 * @throws RangeError for a name the shell would not accept.
 * @remarks Context: any; pure.
 */
export function shellAssign(name: string, value: string | number): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`Cannot assign to shell variable '${name}': not a valid name`);
  return `${name}=${typeof value === 'number' ? String(value) : shellQuote(value)}`;
}

/**
 * Build shell text from a raw template.
 *
 * @param strings - Literal parts (their raw form is used, so `\(` stays `\(`).
 * @param values - Generated shell fragments or numbers to insert.
 * @returns The text, with each `\${` of the literal parts turned into `${`.
 * @remarks Context: any; pure.
 */
export function sh(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
  let out = '';
  strings.raw.forEach((part, i) => {
    out += part.replace(/\\\$\{/g, '${');
    if (i < values.length) out += String(values[i]);
  });
  return out;
}

/**
 * A POSIX shell `case` pattern list that matches any of the given words.
 *
 * @param words - Plain words (letters, digits, `_`, `-`, `.`).
 * @returns E.g. `a|b|c`.
 * @throws RangeError for a word with a character the pattern would treat specially.
 * @remarks Context: any; pure.
 */
export function casePattern(words: readonly string[]): string {
  for (const w of words) if (!/^[A-Za-z0-9_.-]+$/.test(w)) throw new RangeError(`Cannot use '${w}' in a case pattern: only letters, digits, '_', '-', '.'`);
  return words.join('|');
}
