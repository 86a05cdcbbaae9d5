import path from 'node:path';

/** File names that usually hold credentials; such files are never indexed nor shown. */
const SECRET_NAMES = [
  /^\.env(\..*)?$/i,
  /\.(pem|key|p12|pfx|jks|keystore|ppk|asc|gpg)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)/i,
  /^credentials(\.[a-z]+)?$/i,
  /^\.?(netrc|npmrc|pypirc|htpasswd|pgpass)$/i,
  /^secrets?\.(json|ya?ml|toml|ini|txt)$/i,
  /^service[-_]?account.*\.json$/i,
];

/** Content that looks like a live key. One hit keeps the whole file out of the index. */
const SECRET_CONTENT = [
  /AKIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/,
  /\bgithub_pat_[A-Za-z0-9_]{30,}/,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bAIza[0-9A-Za-z_-]{35}/,
];

export function isSecretPath(relativePath: string): boolean {
  const name = path.posix.basename(relativePath);
  return SECRET_NAMES.some((pattern) => pattern.test(name));
}

export function containsSecret(text: string): boolean {
  return SECRET_CONTENT.some((pattern) => pattern.test(text));
}
