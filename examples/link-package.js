// Points node_modules/cdk8s-network-tuning at this repository, so the example
// imports the built package by its name, exactly as a user's app does.
const fs = require('fs');
const path = require('path');

const link = path.join(__dirname, '..', 'node_modules', 'cdk8s-network-tuning');
try {
  fs.unlinkSync(link);
} catch {
  // not there yet
}
fs.symlinkSync('..', link, 'dir');
