import type { Node } from 'web-tree-sitter';
import { grammarParser } from '../context/retrieval/parser.js';

/** One simple command of a command line, as written (quotes kept). */
export interface SimpleCommand {
  /** `VAR=value` words before the command name. */
  assignments: string[];
  /** The command name, then its arguments. */
  words: string[];
}

/** Statements that only join simple commands: `;`, `&`, newlines, `&&`, `||`, `|`, `|&`. */
const JOINERS = new Set(['program', 'list', 'pipeline']);
/** Arguments that are plain text once bash removed the quotes: no expansion, no substitution. */
const LITERALS = new Set(['word', 'raw_string', 'number']);
/**
 * A command name bash runs as written: no quote, escape, glob or tilde for
 * bash to rewrite (`n\pm`, `./*`), so the name checked is the name run.
 */
const PLAIN_NAME = /^[\w@%+,.:/-]+$/;
/** Redirections that touch no file: to or from /dev/null, duplicating or closing a descriptor. */
const HARMLESS_REDIRECT = /^(?:(?:\d*|&)(?:>>?|&>>?|>\||<)\s*\/dev\/null|\d*[<>]&(?:\d+|-))$/;

/**
 * The simple commands of a bash command line, read with tree-sitter-bash, or
 * undefined when the line does more than run simple commands one after
 * another: anything that does not parse cleanly, command or process
 * substitution, any expansion (`$X`, `${X}`, `$((…))`, `$'…'`), a redirection
 * to or from a file, a here-document, subshells, groups, loops, conditionals,
 * functions, declarations. What cannot be read this way cannot be judged by
 * its parts, so it is judged as a whole.
 */
export async function simpleCommands(line: string): Promise<SimpleCommand[] | undefined> {
  const tree = (await grammarParser('tree-sitter-bash.wasm')).parse(line);
  if (!tree) return undefined;
  try {
    if (tree.rootNode.hasError) return undefined;
    const commands: SimpleCommand[] = [];
    return collect(tree.rootNode, commands) ? commands : undefined;
  } finally {
    tree.delete();
  }
}

function collect(node: Node, commands: SimpleCommand[]): boolean {
  if (JOINERS.has(node.type)) return node.namedChildren.every((child) => child && collect(child, commands));
  switch (node.type) {
    case 'comment':
      return true;
    case 'redirected_statement':
      return node.namedChildren.every(
        (child) => child && (child.type === 'file_redirect' ? harmless(child) : collect(child, commands)),
      );
    case 'command':
      return collectCommand(node, commands);
    default:
      return false;
  }
}

function collectCommand(node: Node, commands: SimpleCommand[]): boolean {
  const command: SimpleCommand = { assignments: [], words: [] };
  for (const child of node.namedChildren) {
    if (!child) return false;
    switch (child.type) {
      case 'variable_assignment':
        if (!child.namedChildren.every((part) => part?.type === 'variable_name' || (part && literal(part))))
          return false;
        command.assignments.push(child.text);
        break;
      case 'file_redirect':
        if (!harmless(child)) return false;
        break;
      case 'command_name': {
        const name = child.firstNamedChild;
        if (name?.type !== 'word' || !PLAIN_NAME.test(name.text)) return false;
        command.words.push(name.text);
        break;
      }
      default:
        if (!literal(child)) return false;
        command.words.push(child.text);
    }
  }
  if (command.words.length === 0) return false;
  commands.push(command);
  return true;
}

function literal(node: Node): boolean {
  if (LITERALS.has(node.type)) return true;
  if (node.type === 'string') return node.namedChildren.every((part) => part?.type === 'string_content');
  if (node.type === 'concatenation') return node.namedChildren.every((part) => part && literal(part));
  return false;
}

function harmless(redirect: Node): boolean {
  return HARMLESS_REDIRECT.test(redirect.text);
}
