/*
 * Synthesizes every example cluster (manifests, extra files, report) into a temporary folder
 * and prints one SHA-256 over every file's name and bytes. Run by determinism.test.ts in child
 * processes under other locales and time zones.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLUSTERS, writeCluster } from '../../examples/clusters';

export function examplesDigest(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'digest-'));
  try {
    const hash = createHash('sha256');
    for (const [name, build] of Object.entries(CLUSTERS)) {
      const dir = path.join(root, name);
      writeCluster(build, dir);
      const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
      for (const file of walk(dir).sort()) {
        hash.update(path.relative(root, file));
        hash.update(fs.readFileSync(file));
      }
    }
    return hash.digest('hex');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) process.stdout.write(examplesDigest());
