// sclang's start-up line, told in this editor's words.

/** sclang's welcome names other editors' help keys: "*** Welcome to SuperCollider 3.13.0. *** For help type ctrl-c ctrl-h (Emacs) ...". */
const WELCOME_HINT = /^(\*\*\* Welcome to SuperCollider [^*]*\*\*\*)\s*For help type .*$/;
/** This editor's keys, in place of the others'. */
export const KEYS_HINT = 'In VS Code: Ctrl+Enter evaluates the block, Shift+Enter the line, Ctrl+. stops all sound, Ctrl+D opens help (Cmd on macOS).';

/** sclang's welcome line with this editor's keys instead of Emacs', vim's and gedit's. */
export function withOwnKeys(line: string): string {
  const welcome = WELCOME_HINT.exec(line);
  return welcome ? `${welcome[1]} ${KEYS_HINT}` : line;
}
