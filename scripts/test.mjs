#!/usr/bin/env node
// `npm test`: type check, lint, format check, then vitest — stopping at the first failure.
//
//   npm test                      everything
//   npm test -- test/core         extra arguments go to `vitest run`
//   PAYDESK_TEST_SKIP_STATIC=1    skip tsc / eslint / prettier (fast local loop)
//   PAYDESK_TEST_PRIVATE_KEYRING=1  always use a private, throw-away keyring session on Linux
//
// Keychain tests use the REAL OS keychain. On Linux that is the Secret Service: if none answers in this
// session (CI, containers, SSH), the vitest step is re-run inside `dbus-run-session` with a private
// gnome-keyring-daemon whose login keyring lives in a temporary directory and is unlocked with a fixed
// password fed on stdin. The daemon and the directory are removed afterwards.
//
// The last line printed is always `tests: N passed, N failed, N skipped` (read from the vitest JSON report).
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const REPORT = path.join(root, 'test-results', 'vitest.json');
const PHASE_ENV = 'PAYDESK_TEST_PHASE'; // set to 'vitest' for the re-executed vitest step
const KEYRING_PASSWORD = 'paydesk-test';

const say = (msg) => console.log(`test: ${msg}`);

// --- Node 24 --------------------------------------------------------------------------------------------
// `npm test` puts node_modules/.bin first in PATH, so `node` is the project's Node 24. If someone ran this
// file with another node, hand over to the project's one.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const local = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
  if (fs.existsSync(local) && !process.env.PAYDESK_TEST_REEXEC) {
    say(`node ${process.version} is too old, re-running with ${local}`);
    const r = spawnSync(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, PAYDESK_TEST_REEXEC: '1' },
    });
    process.exit(r.status ?? 1);
  }
  console.error(`test: Node >= 24 is required (this is ${process.version}); run \`npm install\` first.`);
  process.exit(1);
}

// Children (and the processes tests spawn) get the same Node and the local tools first in PATH.
const childEnv = {
  ...process.env,
  PATH: [path.dirname(process.execPath), path.join(root, 'node_modules', '.bin'), process.env.PATH ?? '']
    .filter(Boolean)
    .join(path.delimiter),
};

/** Path of a package's bin script, run with this very node (never through a #!/usr/bin/env node shim). */
function binOf(pkg, name = pkg) {
  const pkgJsonPath = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
  const rel = typeof bin === 'string' ? bin : bin?.[name];
  if (!rel) throw new Error(`package ${pkg} has no bin ${name}`);
  return path.join(path.dirname(pkgJsonPath), rel);
}

/** Run a command (default: this node) with inherited stdio; resolves to its exit code. */
function run(label, args, { cmd = process.execPath, env = childEnv } = {}) {
  say(label);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit' });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (err) => {
      console.error(`test: cannot start ${label}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? 128 + (os.constants.signals[signal] ?? 0));
    });
  });
}

function printSummary(passed, failed, skipped) {
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

// --- Secret Service ---------------------------------------------------------------------------------------

/** A full write/read/delete round trip through the pinned Secret Service store, in a child process. */
function secretServiceWorks() {
  let keyringPath;
  try {
    keyringPath = require.resolve('@napi-rs/keyring');
  } catch {
    return { ok: false, reason: '@napi-rs/keyring is not installed' };
  }
  const code = `
    const { Entry } = require(${JSON.stringify(keyringPath)});
    const e = new Entry('PayDesk-test-probe', 'probe-' + process.pid, { linux: { store: 'secret-service' } });
    e.setPassword('probe');
    if (e.getPassword() !== 'probe') throw new Error('read back a different value');
    e.deleteCredential();
  `;
  const r = spawnSync(process.execPath, ['-e', code], { env: childEnv, encoding: 'utf8', timeout: 15_000 });
  if (r.status === 0) return { ok: true };
  const reason = r.error
    ? r.error.message
    : (r.stderr || '').split('\n').find((l) => /Error|failure|access/i.test(l)) || `exit ${r.status}`;
  return { ok: false, reason: reason.trim().replace(/^\w*Error:\s*/, '') };
}

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, cmd), fs.constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

// Runs inside dbus-run-session: a private gnome-keyring-daemon (foreground, so this shell reaps it), wait
// until it owns org.freedesktop.secrets (otherwise D-Bus activation would start a second, locked daemon),
// run the command, stop the daemon, remove its directory.
const KEYRING_SESSION_SH = `
set -u
kr=$(mktemp -d "\${TMPDIR:-/tmp}/paydesk-keyring.XXXXXX") || exit 1
mkdir -m 700 "$kr/run" "$kr/data"
printf '%s' "$PAYDESK_TEST_KEYRING_PASSWORD" | XDG_RUNTIME_DIR="$kr/run" XDG_DATA_HOME="$kr/data" \\
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$kr/daemon.log" 2>&1 &
kpid=$!
cleanup() { kill "$kpid" 2>/dev/null; wait "$kpid" 2>/dev/null; rm -rf "$kr"; }
trap 'cleanup; exit 130' INT TERM
if command -v dbus-send >/dev/null 2>&1; then
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$kpid" 2>/dev/null; then
      echo "test: gnome-keyring-daemon did not come up:" >&2; cat "$kr/daemon.log" >&2; break
    fi
    sleep 0.1
  done
fi
unset PAYDESK_TEST_KEYRING_PASSWORD
"$@"
rc=$?
cleanup
exit "$rc"
`;

// --- steps ------------------------------------------------------------------------------------------------

async function staticChecks() {
  const steps = [
    ['tsc -p tsconfig.json --noEmit', [binOf('typescript', 'tsc'), '-p', 'tsconfig.json', '--noEmit']],
    // The Electron shell (main + preload) and its build configs against Electron's own types.
    [
      'tsc -p tsconfig.electron.json --noEmit',
      [binOf('typescript', 'tsc'), '-p', 'tsconfig.electron.json', '--noEmit'],
    ],
    // The renderer (DOM, JSX).
    [
      'tsc -p tsconfig.renderer.json --noEmit',
      [binOf('typescript', 'tsc'), '-p', 'tsconfig.renderer.json', '--noEmit'],
    ],
    ['eslint .', [binOf('eslint'), '.']],
    ['prettier --check .', [binOf('prettier'), '--check', '.']],
  ];
  for (const [label, args] of steps) {
    const code = await run(label, args);
    if (code !== 0) {
      console.error(`test: ${label} failed (exit ${code})`);
      return code;
    }
  }
  return 0;
}

async function vitestStep(extraArgs) {
  fs.rmSync(REPORT, { force: true });
  fs.mkdirSync(path.dirname(REPORT), { recursive: true });
  const args = [
    binOf('vitest'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${REPORT}`,
    ...extraArgs,
  ];
  const code = await run(`vitest run ${extraArgs.join(' ')}`.trim(), args);

  let report;
  try {
    report = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
  } catch (err) {
    console.error(
      `test: no vitest JSON report at ${REPORT} (${err.code ?? err.message}); vitest exit ${code}`,
    );
    printSummary(0, 0, 0);
    return code || 1;
  }
  const passed = report.numPassedTests ?? 0;
  const failed = report.numFailedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that fails to load (syntax/import error) has no failed test but a failed file status.
  const failedFiles = (report.testResults ?? []).filter((f) => f.status === 'failed').length;
  if (failedFiles > 0) say(`${failedFiles} test file(s) failed`);
  if (report.success === false && failed === 0 && failedFiles === 0) say('vitest reported failure');
  if (passed + failed === 0) say('no tests ran — that counts as a failure');
  printSummary(passed, failed, skipped);
  if (code !== 0) return code;
  if (failed > 0 || failedFiles > 0 || report.success === false || passed + failed === 0) return 1;
  return 0;
}

async function keyringThenVitest(extraArgs) {
  if (process.platform !== 'linux') return vitestStep(extraArgs);

  const inSession = process.env[PHASE_ENV] === 'vitest';
  const forcePrivate = process.env.PAYDESK_TEST_PRIVATE_KEYRING === '1' && !inSession;
  let probe = forcePrivate ? { ok: false, reason: 'PAYDESK_TEST_PRIVATE_KEYRING=1' } : secretServiceWorks();
  if (probe.ok) {
    say(
      inSession ? 'private Secret Service (gnome-keyring) is up' : 'using the Secret Service of this session',
    );
    return vitestStep(extraArgs);
  }
  if (inSession) {
    // The daemon was started by us; give it a moment in case dbus-send was missing and we could not wait.
    for (let i = 0; i < 20 && !probe.ok; i++) {
      await delay(250);
      probe = secretServiceWorks();
    }
    if (!probe.ok) {
      say(
        `WARNING: the private gnome-keyring session does not work (${probe.reason}); keychain tests will FAIL.`,
      );
    }
    return vitestStep(extraArgs);
  }

  const missing = ['dbus-run-session', 'gnome-keyring-daemon'].filter((c) => !onPath(c));
  if (missing.length > 0) {
    say(
      `WARNING: no Secret Service here (${probe.reason}) and ${missing.join(', ')} not installed — ` +
        'the keychain tests will FAIL. Install them: apt-get install gnome-keyring dbus',
    );
    return vitestStep(extraArgs);
  }

  say(
    `no Secret Service in this session (${probe.reason}); starting a private one: dbus-run-session + gnome-keyring-daemon`,
  );
  return run(
    'dbus-run-session -- sh -c <start private gnome-keyring-daemon; node scripts/test.mjs (vitest step)>',
    [
      '--',
      'sh',
      '-c',
      KEYRING_SESSION_SH,
      'sh',
      process.execPath,
      fileURLToPath(import.meta.url),
      ...extraArgs,
    ],
    {
      cmd: 'dbus-run-session',
      env: { ...childEnv, [PHASE_ENV]: 'vitest', PAYDESK_TEST_KEYRING_PASSWORD: KEYRING_PASSWORD },
    },
  );
}

async function main() {
  const extraArgs = process.argv.slice(2);
  const inSession = process.env[PHASE_ENV] === 'vitest';
  if (!inSession) {
    if (process.env.PAYDESK_TEST_SKIP_STATIC === '1') {
      say('PAYDESK_TEST_SKIP_STATIC=1: skipping tsc, eslint, prettier');
    } else {
      const code = await staticChecks();
      if (code !== 0) {
        printSummary(0, 0, 0);
        return code;
      }
    }
  }
  return keyringThenVitest(extraArgs);
}

process.exitCode = await main();
