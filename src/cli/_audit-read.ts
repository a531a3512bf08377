import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { AuditInput } from './_audit-facts';
import { isPlainObject } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';

/* The audit's input: the manifests under the paths it is given, each located in its file. */

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Folders a repository holds that are never manifests (version control, package caches). */
const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules']);

/**
 * Every manifest under the paths (files, folders searched for .yaml/.yml/.json; '-' is stdin), List
 * items unpacked. A document that is not YAML (a Helm template in the tree) is kept as a problem,
 * so the audit reports it and goes on; so is an entry that cannot be read (a dangling link, no
 * permission). Folders are walked once each by their real path (a link back up the tree is not a
 * loop), a file reached twice through links is read once; .git and node_modules are skipped.
 */
export function readManifests(paths: string[], stdin: () => string): AuditInput[] {
  const files: string[] = [];
  const unreadable: AuditInput[] = [];
  const seen = new Set<string>();
  const errors = new ConfigErrors('cdk8s-network-tuning audit');
  const cannotRead = (p: string, e: unknown) => unreadable.push({
    file: p,
    line: 0,
    object: {},
    problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    problemFix: 'give the audit read access to it (or mend the link), or leave it out',
  });
  const walk = (p: string, named: boolean) => {
    let real: string;
    let stat: fs.Stats;
    try {
      real = named ? realOrSelf(p) : fs.realpathSync(p);
      stat = fs.statSync(real);
    } catch (e) {
      // a path on the command line that is not there is the caller's mistake; a dangling link inside a tree is a finding
      if (named && !fs.existsSync(p) && !isLink(p)) errors.add('path', p, 'does not exist');
      else cannotRead(p, e);
      return;
    }
    // every link to /dev/null is a mask of its own name
    if (seen.has(real) && real !== '/dev/null') return;
    seen.add(real);
    if (stat.isDirectory()) {
      let entries: string[];
      try {
        entries = fs.readdirSync(real).sort(byCodePoint);
      } catch (e) {
        cannotRead(p, e);
        return;
      }
      for (const e of entries) {
        if (SKIPPED_FOLDERS.has(e)) continue;
        const full = path.join(p, e);
        if (/\.(ya?ml|json)$/.test(e) || isSysctlFile(full, false) || isFolder(full)) walk(full, false);
      }
    } else if (stat.isFile() || (named && (stat.isFIFO() || stat.isCharacterDevice()))) {
      // a named pipe or device named on the command line: audit <(kubectl get ... -o yaml)
      files.push(p);
    } else if (real === '/dev/null' && isSysctlFile(p, false)) {
      // a sysctl.d file linked to /dev/null masks that name (sysctl.d(5))
      files.push(p);
    } else if (named) {
      errors.add('path', p, 'is not a file or a folder');
    }
  };
  for (const p of paths) {
    if (p === '-') files.push('-');
    else walk(p, true);
  }
  if (errors.count > 0) throw new Error(errors.messages.join('\n'));
  const out: AuditInput[] = [...unreadable];
  for (const file of files) {
    let text: string;
    try {
      text = file === '-' ? stdin() : fs.readFileSync(file, 'utf8');
    } catch (e) {
      cannotRead(file, e);
      out.push(unreadable.pop()!);
      continue;
    }
    const name = file === '-' ? '(stdin)' : file;
    const sysctl = file !== '-' && isSysctlFile(file, paths.includes(file)) ? readSysctlFile(name, text, !paths.includes(file)) : undefined;
    if (sysctl) {
      out.push(sysctl);
      continue;
    }
    // one pass over the text for every line number (kubectl's Lists and helm template output are large)
    const counter = new LineCounter();
    const lineOf = (offset: number) => counter.linePos(offset).line;
    for (const doc of parseAllDocuments(text, { lineCounter: counter })) {
      const line = lineOf(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0);
      if (doc.errors.length > 0) {
        out.push({ file: name, line, object: {}, problem: `not YAML: ${doc.errors[0].message.split('\n')[0]}` });
        continue;
      }
      const object = doc.toJSON();
      if (object === null || typeof object !== 'object' || Array.isArray(object)) continue;
      const isList = object.kind === 'List' || (typeof object.kind === 'string' && object.kind.endsWith('List') && 'items' in object);
      if (isList && !Array.isArray(object.items)) {
        out.push({ file: name, line, object, problem: `a ${object.kind} whose items are not a list` });
        continue;
      }
      // a List's items each at their own line (kubectl get -o yaml), so findings and SARIF point at the object
      const nodes = isList ? (doc.get('items', true) as { items?: Array<{ range?: number[] }> } | undefined)?.items : undefined;
      (isList ? object.items as unknown[] : [object]).forEach((item, i) => {
        const at = nodes?.[i]?.range?.[0];
        if (isPlainObject(item)) out.push({ file: name, line: at === undefined ? line : lineOf(at), object: item as Record<string, any> });
      });
    }
  }
  return out;
}

/** The kind an audit input read from a sysctl.d file has (not an API kind: the node's own configuration). */
export const SYSCTL_FILE_KIND = 'sysctl.d';

/** A node's sysctl configuration: a .conf file in a sysctl.d folder, or one named on the command line. */
function isSysctlFile(file: string, named: boolean): boolean {
  return file.endsWith('.conf') && (named || path.basename(path.dirname(file)) === 'sysctl.d');
}

/**
 * A sysctl.d(5) file as systemd-sysctl reads it: `key = value` lines, `#` and `;` comments, a leading
 * `-` (ignore a failure to set it) dropped, `/` as the separator when it comes before any `.` (then dots
 * are part of a name, as in an interface enp3s0.200). Keys with globs name no one sysctl: left out.
 */
function readSysctlFile(file: string, text: string, inSysctlFolder: boolean): AuditInput | undefined {
  const sysctls: Record<string, string> = {};
  const lines: Record<string, number> = {};
  let other = false;
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) return;
    if (!t.includes('=')) {
      other = true;
      return;
    }
    let key = t.slice(0, t.indexOf('=')).trim().replace(/^-/, '');
    const value = t.slice(t.indexOf('=') + 1).trim();
    // a kubeconfig or a systemd drop-in (Environment="K=V") is not a sysctl file
    if (!/^[A-Za-z0-9_.*?/[\]-]+$/.test(key)) other = true;
    if (/^[^.]*\//.test(key)) key = key.split('/').map((part) => part.split('.').join('/')).join('.');
    if (key === '' || /[*?[]/.test(key)) return;
    sysctls[key] = value;
    lines[key] = i + 1;
  });
  // a .conf named on the command line is a sysctl file only if it reads as one; else it is read as YAML
  if (other && !inSysctlFolder) return undefined;
  return { file, line: 1, object: { apiVersion: SYSCTL_FILE_KIND, kind: SYSCTL_FILE_KIND, metadata: { name: path.basename(file) }, sysctls, lines } };
}

/** A named path's real path, or the path itself when it has none (a pipe's /dev/fd/63 links to pipe:[...]). */
function realOrSelf(p: string): string {
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch (e) {
    if (fs.existsSync(p)) return p;
    throw e;
  }
  return fs.existsSync(real) ? real : p;
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return isLink(p); // a dangling link: walk() reports it
  }
}
