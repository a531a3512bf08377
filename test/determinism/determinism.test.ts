import { spawnSync } from 'child_process';
import * as path from 'path';
import { examplesDigest } from './digest';

/*
 * Byte-identical output under any locale and time zone: every example, synthesized in child
 * processes with other LANG/LC_ALL/TZ, hashes the same as here. lt_LT sorts 'y' between 'i' and 'j' and
 * tr_TR has a dotless i, so a locale-aware comparison anywhere in the library shows up.
 */
const ENVIRONMENTS: Record<string, string>[] = [
  { LANG: 'lt_LT.UTF-8', LC_ALL: 'lt_LT.UTF-8', TZ: 'Pacific/Chatham' },
  { LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'America/St_Johns' },
  { LANG: 'C', LC_ALL: 'C', TZ: 'UTC' },
];

test('the examples synthesize byte for byte the same under other locales and time zones', () => {
  const here = examplesDigest();
  const script = path.join(__dirname, 'run-digest.js');
  for (const env of ENVIRONMENTS) {
    const run = spawnSync(process.execPath, [script], {
      env: { ...process.env, ...env, CDK8S_NETWORK_TUNING_WARNINGS: 'silent' },
      encoding: 'utf8',
      cwd: path.join(__dirname, '..', '..'),
    });
    expect({ env, status: run.status, stderr: run.stderr.slice(0, 500) }).toEqual({ env, status: 0, stderr: '' });
    expect({ env, digest: run.stdout }).toEqual({ env, digest: here });
  }
}, 180_000);

test('the child really runs in the other locale (the check would catch a locale-aware sort)', () => {
  // Lithuanian sorts y between i and j; code points put it after j.
  const run = spawnSync(process.execPath, ['-e', "process.stdout.write(['j','y','i'].sort((a,b)=>a.localeCompare(b)).join(''))"], {
    env: { ...process.env, LANG: 'lt_LT.UTF-8', LC_ALL: 'lt_LT.UTF-8' }, encoding: 'utf8',
  });
  expect(run.stdout).toBe('iyj');
  expect(['j', 'y', 'i'].sort().join('')).toBe('ijy');
});
