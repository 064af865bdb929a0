/**
 * V8 flags of the core's process. The core runs in Electron's main process (and as plain Node in `npm run web` /
 * `npm run listen`, where package.json passes the same flag to node). Measured (docs/BENCHMARKS.md): V8 sizes the
 * young generation from the machine's memory and, under a burst of notifications, lets it grow to ~130 MB while the
 * live heap stays ~20 MB; `--max-semi-space-size=8` caps it at 24 MB (3 × 8 MiB) and was faster, not slower.
 *
 * A V8 heap's sizes are fixed when its isolate is created: `v8.setFlagsFromString` at run time does not change them
 * (checked: the new space still grows to 128 MB), and `app.commandLine.appendSwitch('js-flags', …)` reaches only the
 * child processes started later (renderers), not the main process. For the main process the flag has to be on the
 * command line Electron was started with, so a launch without it relaunches itself once with it (before any window,
 * the single-instance lock or the core exists). Pure logic here; main.ts does the relaunch.
 */

/** The flags the core's process runs with. */
export const CORE_V8_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

const flagName = (flag: string): string => flag.replace(/=.*$/, '').replace(/_/g, '-');

/**
 * The `--js-flags` value to relaunch with, or null when no relaunch is needed: our flags are already there (a flag
 * the user set himself, with any value, wins), the app is not packaged (`npm start` / electron-vite dev watch the
 * process they started: a relaunched one would escape them), the process is being automated or debugged (a
 * relaunched process would lose the debugger), or `PAYDESK_NO_RELAUNCH=1`.
 */
export function jsFlagsRelaunch(
  argv: readonly string[],
  currentJsFlags: string,
  env: Readonly<Record<string, string | undefined>>,
  packaged: boolean,
): string | null {
  if (!packaged || env.PAYDESK_NO_RELAUNCH === '1') return null;
  if (argv.some((a) => /^--(inspect|inspect-brk|remote-debugging-port|remote-debugging-pipe)\b/.test(a)))
    return null;
  const present = new Set(currentJsFlags.split(/\s+/).filter(Boolean).map(flagName));
  const missing = CORE_V8_FLAGS.filter((f) => !present.has(flagName(f)));
  if (missing.length === 0) return null;
  return [currentJsFlags.trim(), ...missing].filter(Boolean).join(' ');
}

/** argv for `app.relaunch`: ours without any old `--js-flags`, plus the new one. */
export function relaunchArgs(argv: readonly string[], jsFlags: string): string[] {
  return [...argv.slice(1).filter((a) => !a.startsWith('--js-flags')), `--js-flags=${jsFlags}`];
}
