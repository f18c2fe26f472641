import { describe, expect, it } from 'vitest';
import { captureIo } from './__fixtures__/io.js';
import { EXIT } from './exit-codes.js';
import { run } from './main.js';

describe('aauth-kit dispatch', () => {
  it('lists every command and the exit codes with help / --help', async () => {
    for (const argv of [['help'], ['--help'], ['-h']]) {
      const io = captureIo();
      expect(await run(argv, io)).toBe(EXIT.ok);
      for (const command of ['keygen', 'jwks', 'agent-token', 'fetch', 'verify', 'dev', 'help']) {
        expect(io.out()).toContain(`\n  ${command} `);
      }
      expect(io.out()).toContain('130  interrupted (Ctrl-C)');
    }
  });

  it("prints a command's help with help <command> or <command> --help", async () => {
    const viaHelp = captureIo();
    expect(await run(['help', 'fetch'], viaHelp)).toBe(EXIT.ok);
    expect(viaHelp.out()).toMatch(/^Usage: aauth-kit fetch <url>/);
    const viaFlag = captureIo();
    expect(await run(['fetch', 'https://a.example', '--help'], viaFlag)).toBe(EXIT.ok);
    expect(viaFlag.out()).toBe(viaHelp.out());
  });

  it('prints the version', async () => {
    const io = captureIo();
    expect(await run(['--version'], io)).toBe(EXIT.ok);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('treats no command, an unknown command and an unknown option as usage errors', async () => {
    const none = captureIo();
    expect(await run([], none)).toBe(EXIT.usage);
    expect(none.err()).toContain('Usage: aauth-kit <command>');
    const unknown = captureIo();
    expect(await run(['sign'], unknown)).toBe(EXIT.usage);
    expect(unknown.err()).toBe(
      'aauth-kit: unknown command "sign"\n  → run `aauth-kit help` for the list of commands\n',
    );
    const option = captureIo();
    expect(await run(['jwks', '--nope'], option)).toBe(EXIT.usage);
    expect(option.err()).toBe(
      "aauth-kit jwks: Unknown option '--nope'\n  → run `aauth-kit help jwks` for the options\n",
    );
    const helpOfNothing = captureIo();
    expect(await run(['help', 'sign'], helpOfNothing)).toBe(EXIT.usage);
  });
});
