#!/usr/bin/env node
/*
 * The install test's duplicate check: every @backstage package our packages
 * depend on must resolve to a version the app itself already uses. A
 * version only ours pull in is a second copy (two `catalogServiceRef`s, two
 * permission registries…). It reads the answer `yarn why` gives from the
 * app's yarn.lock directly: each entry lists its dependencies' ranges, and
 * each range's entry its version. One file read instead of one Yarn process
 * per package (each loading the app's ~2,800-package project).
 * Peer dependencies resolve to the app's own copy by construction; they are
 * listed, not checked.
 * Usage: node checkDuplicates.js APP_DIR
 */
/* eslint-disable no-console -- a command-line driver prints */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

const OURS = '@idp-pipelines/';

/** The package name of a lockfile key's descriptor (`name@range`). */
function nameOf(descriptor) {
  return descriptor.slice(0, descriptor.indexOf('@', 1));
}

/**
 * The lockfile as entries `{ name, version, dependencies, peers }` and a map
 * from each descriptor (`name@npm:^1.2.3`) to the version it resolved to.
 */
function readLockfile(appDir) {
  const lockfile = parse(readFileSync(join(appDir, 'yarn.lock'), 'utf8'));
  const entries = [];
  const versionOf = new Map();
  for (const [key, entry] of Object.entries(lockfile)) {
    if (key === '__metadata') continue;
    const descriptors = key.split(', ');
    for (const descriptor of descriptors)
      versionOf.set(descriptor, entry.version);
    entries.push({
      name: nameOf(descriptors[0]),
      version: entry.version,
      dependencies: entry.dependencies ?? {},
      peers: Object.keys(entry.peerDependencies ?? {}),
    });
  }
  return { entries, versionOf };
}

/** Lockfile dependency ranges carry their protocol (`npm:^1.2.3`) unless a resolution replaced them. */
function descriptorOf(name, range) {
  return `${name}@${/^[a-z]+:/.test(range) ? range : `npm:${range}`}`;
}

function main() {
  const appDir = process.argv[2];
  const { entries, versionOf } = readLockfile(appDir);
  const ours = entries.filter(entry => entry.name.startsWith(OURS));
  if (ours.length === 0)
    throw new Error(`no ${OURS} packages in the app's yarn.lock`);
  const names = new Set();
  const peerNames = new Set();
  for (const entry of ours) {
    for (const name of Object.keys(entry.dependencies))
      if (name.startsWith('@backstage/')) names.add(name);
    for (const name of entry.peers)
      if (name.startsWith('@backstage/')) peerNames.add(name);
  }
  const problems = [];
  for (const name of [...names].sort()) {
    const usedByApp = new Set();
    const usedByOurs = new Map(); // version → our packages
    for (const entry of entries) {
      const range = entry.dependencies[name];
      if (range === undefined) continue;
      const version = versionOf.get(descriptorOf(name, range));
      if (version === undefined)
        throw new Error(
          `${entry.name} depends on ${name}@${range}, which the lockfile does not resolve`,
        );
      if (entry.name.startsWith(OURS)) {
        usedByOurs.set(version, [
          ...(usedByOurs.get(version) ?? []),
          entry.name,
        ]);
      } else {
        usedByApp.add(version);
      }
    }
    console.log(
      `${name}: the app ${[...usedByApp].join(', ') || '(none)'}; ours ${[...usedByOurs.keys()].join(', ')}`,
    );
    for (const [version, dependents] of usedByOurs) {
      if (usedByApp.size > 0 && !usedByApp.has(version))
        problems.push(
          `${dependents.join(', ')} get ${name}@${version}, which nothing of the app uses (the app has ${[...usedByApp].join(', ')})`,
        );
    }
  }
  for (const name of [...peerNames].sort()) {
    const versions = entries.filter(e => e.name === name).map(e => e.version);
    console.log(`${name} (peer dependency): the app's ${versions.join(', ')}`);
  }
  if (problems.length) {
    console.error(
      `second copies of @backstage packages because of ours:\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
}

try {
  main();
} catch (error) {
  console.error(`duplicate check failed: ${error.message}`);
  process.exit(1);
}
