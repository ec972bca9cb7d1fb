// pnpm ops:hash-password: reads a password from the terminal without echoing it (or from stdin when
// piped) and prints its scrypt hash for console.users[].passwordHash in the configuration file.
import { hashPassword } from '../src/auth/password-hash';

const MIN_LENGTH = 12;

/** One line from a terminal with echo off, or everything piped in (trailing newline removed). */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.replace(/\r?\n$/, '');
  }
  process.stderr.write('Password (not shown): ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let password = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(password);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\n');
          reject(new Error('cancelled'));
          return;
        }
        password = ch === '\u007f' || ch === '\b' ? password.slice(0, -1) : password + ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function main(): Promise<void> {
  const password = await readPassword();
  if (password.length < MIN_LENGTH) throw new Error(`the password must be at least ${MIN_LENGTH} characters`);
  process.stdout.write(`${await hashPassword(password)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
