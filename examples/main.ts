import * as path from 'path';
import { CLUSTERS, writeCluster } from './clusters';

// One App per example cluster: cross-component checks apply per app.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
for (const [name, build] of Object.entries(CLUSTERS)) {
  writeCluster(build, path.join(outdir, name));
}
