import path from 'node:path';

/** File names that usually hold credentials. */
const SECRET_NAMES = [
  /^\.env(\..*)?$/i,
  /\.(pem|key|p12|pfx|jks|keystore|ppk|asc|gpg)$/i,
  // The private halves only: id_rsa.pub is a public key.
  /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/i,
  /^credentials(\.[a-z]+)?$/i,
  /^\.?(netrc|npmrc|pypirc|htpasswd|pgpass|git-credentials)$/i,
  /^secrets?\.(json|ya?ml|toml|ini|txt)$/i,
  /^service[-_]?account.*\.json$/i,
];

/** Committed templates of .env files, which hold placeholders rather than values. */
const ENV_TEMPLATE = /^\.env\.(example|sample|template|dist|defaults)$/i;

/** Tokens with a recognisable shape; each is replaced where it occurs. */
const TOKENS = [
  /AKIA[0-9A-Z]{16}/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{35}/g,
];

/** A private key block up to its END line (or the end of the text). */
const KEY_BLOCK = /(-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----)([\s\S]*?)(?=-----END \2-----|$)/g;
/**
 * Key material: a line of base64 at least 40 long. A header followed by
 * "..." or "<your key here>" (as in docs and tests) is not a key.
 */
const KEY_MATERIAL = /^[A-Za-z0-9+/]{40,}={0,2}\r?$/m;
/** One line of a PEM body seen alone (a search hit): long base64 with mixed case and digits. */
const BASE64_LINE = /^\s*(?=[^\s]*[A-Z])(?=[^\s]*[a-z])(?=[^\s]*[0-9+/])[A-Za-z0-9+/]{40,}={0,2}\s*$/;

/** What replaces a hidden value in text shown to the model. */
export const SECRET_MARK = '[secret hidden]';

/** Whether a file name looks like it holds credentials (templates such as .env.example do not). */
export function isSecretName(relativePath: string): boolean {
  const name = path.posix.basename(relativePath);
  return !ENV_TEMPLATE.test(name) && SECRET_NAMES.some((pattern) => pattern.test(name));
}

/** Whether text holds a live-looking token or a private key with key material. */
export function containsSecret(text: string): boolean {
  return redactSecrets(text).hidden > 0;
}

/** Replaces tokens and the body lines of private keys, keeping every line where it was. */
export function redactSecrets(text: string): { text: string; hidden: number } {
  let hidden = 0;
  let redacted = text.replace(KEY_BLOCK, (block: string, header: string, _label: string, body: string) => {
    if (!KEY_MATERIAL.test(body)) return block;
    hidden++;
    return header + body.replace(/^[^\r\n]*\S[^\r\n]*?(?=\r?$)/gm, SECRET_MARK);
  });
  for (const token of TOKENS) {
    redacted = redacted.replace(token, () => {
      hidden++;
      return SECRET_MARK;
    });
  }
  return { text: redacted, hidden };
}

/** redactSecrets for one line seen without its file (a search hit), which also hides lone key lines. */
export function redactSecretLine(line: string): string {
  return BASE64_LINE.test(line) ? SECRET_MARK : redactSecrets(line).text;
}
