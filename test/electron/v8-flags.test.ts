import { describe, expect, it } from 'vitest';
import { CORE_V8_FLAGS, jsFlagsRelaunch, relaunchArgs } from '../../electron/main/v8-flags.ts';

describe('the core process V8 flags (Electron main relaunch)', () => {
  it('relaunches once with the flags when they are missing, keeping the user js-flags', () => {
    expect(jsFlagsRelaunch(['/opt/PayDesk/paydesk'], '', {}, true)).toBe(CORE_V8_FLAGS.join(' '));
    expect(jsFlagsRelaunch(['/opt/PayDesk/paydesk'], '--expose-gc', {}, true)).toBe(
      ['--expose-gc', ...CORE_V8_FLAGS].join(' '),
    );
    const args = relaunchArgs(['electron', '.', '--js-flags=--expose-gc', '--lang=ru'], '--expose-gc --x');
    expect(args).toEqual(['.', '--lang=ru', '--js-flags=--expose-gc --x']);
  });

  it('does not relaunch when the flag is there (any value, either spelling), unpackaged, under a debugger, or when told not to', () => {
    expect(jsFlagsRelaunch(['paydesk'], '--max-semi-space-size=8', {}, true)).toBeNull();
    expect(jsFlagsRelaunch(['paydesk'], '--expose-gc --max_semi_space_size=32', {}, true)).toBeNull();
    expect(jsFlagsRelaunch(['paydesk', '--inspect=0', '--remote-debugging-port=0'], '', {}, true)).toBeNull();
    expect(jsFlagsRelaunch(['paydesk'], '', { PAYDESK_NO_RELAUNCH: '1' }, true)).toBeNull();
    expect(jsFlagsRelaunch(['electron', '.'], '', {}, false)).toBeNull(); // npm start, electron-vite dev
  });

  it('a relaunched process does not relaunch again', () => {
    const flags = jsFlagsRelaunch(['paydesk'], '', {}, true)!;
    const argv = ['paydesk', ...relaunchArgs(['paydesk'], flags)];
    const value = argv.find((a) => a.startsWith('--js-flags='))!.slice('--js-flags='.length);
    expect(jsFlagsRelaunch(argv, value, {}, true)).toBeNull();
  });
});
