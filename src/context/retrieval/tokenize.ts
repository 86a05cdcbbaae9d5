/** Words too common in code and questions to say anything about where to look. */
const STOPWORDS = new Set(
  'the a an and or of to in on for is are be it this that with as by at from how where what which when does do why get set new return const let var def fn func function class self this import export public private static void int string'.split(
    ' ',
  ),
);

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/** Identifiers as they appear in text, for example `parseConfig` or `MAX_RETRIES`. */
export function identifiersIn(text: string): string[] {
  return text.match(IDENTIFIER) ?? [];
}

/**
 * Search terms of a text: each identifier lowercased whole, plus its
 * camelCase / snake_case parts, so `parseConfig` matches "parse config".
 */
export function termsOf(text: string): string[] {
  const terms: string[] = [];
  for (const identifier of identifiersIn(text)) {
    let own = known.get(identifier);
    if (!own) {
      if (known.size >= KNOWN_IDENTIFIERS) known.clear();
      known.set(identifier, (own = identifierTerms(identifier)));
    }
    for (const term of own) terms.push(term);
  }
  return terms;
}

/**
 * Terms of identifiers already seen: a repository repeats its identifiers
 * thousands of times, and splitting one costs several regular expressions.
 */
const known = new Map<string, string[]>();
const KNOWN_IDENTIFIERS = 100_000;

function identifierTerms(identifier: string): string[] {
  const terms: string[] = [];
  const parts = splitIdentifier(identifier);
  const whole = identifier.toLowerCase().replace(/^[_$]+|[_$]+$/g, '');
  if (parts.length > 1 && whole.length > 1) terms.push(whole);
  for (const part of parts) {
    const term = stem(part);
    if (term.length > 1 && !STOPWORDS.has(term)) terms.push(term);
  }
  return terms;
}

export function splitIdentifier(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_$]+/)
    .filter((part) => part !== '')
    .map((part) => part.toLowerCase());
}

/** A light plural fold ("retries" → "retry", "tokens" → "token"); enough for code words. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
