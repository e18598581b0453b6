#!/usr/bin/env node
/*
 * The install test's duplicate check: for every @backstage package our
 * packages depend on, `yarn why` in the app must show that ours use a
 * version the app itself already uses. A version only ours pull in is a
 * second copy (two `catalogServiceRef`s, two permission registries…).
 * Usage: node checkDuplicates.js APP_DIR   (the app's node and yarn on PATH)
 */
/* eslint-disable no-console -- a command-line driver prints */
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const OURS = '@idp-pipelines/';

/** The @backstage dependencies (and peers) of our installed packages. */
function backstageDependenciesOfOurs(appDir) {
  const scopeDir = join(appDir, 'node_modules', OURS);
  const names = new Set();
  for (const dir of readdirSync(scopeDir)) {
    const pkg = JSON.parse(
      readFileSync(join(scopeDir, dir, 'package.json'), 'utf8'),
    );
    for (const name of Object.keys({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
    })) {
      if (name.startsWith('@backstage/')) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * `yarn why NAME --json`: one line per package depending on NAME, with the
 * locator (name@npm:version) its dependency resolved to.
 */
async function dependentsOf(appDir, name) {
  const { stdout } = await promisify(execFile)(
    'yarn',
    ['why', name, '--json'],
    { cwd: appDir, maxBuffer: 64 << 20 },
  );
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .flatMap(line => {
      const { value, children } = JSON.parse(line);
      return Object.values(children).map(child => ({
        dependent: value,
        version: versionOf(child.locator),
      }));
    });
}

/** The version of a locator; virtual ones (peer-dependency instances) name it after `#npm:`. */
function versionOf(locator) {
  return /npm:([^#:]+)$/.exec(locator)?.[1] ?? locator;
}

async function main() {
  const appDir = process.argv[2];
  const problems = [];
  const names = backstageDependenciesOfOurs(appDir);
  // One `yarn why` per package, all at once: each mostly waits for Yarn to start.
  const dependentsByName = await Promise.all(
    names.map(name => dependentsOf(appDir, name)),
  );
  for (const [index, name] of names.entries()) {
    const dependents = dependentsByName[index];
    const usedByApp = new Set(
      dependents.filter(d => !d.dependent.startsWith(OURS)).map(d => d.version),
    );
    console.log(
      `${name}: ${[...new Set(dependents.map(d => d.version))].join(', ')}`,
    );
    for (const { dependent, version } of dependents) {
      if (
        dependent.startsWith(OURS) &&
        usedByApp.size > 0 &&
        !usedByApp.has(version)
      ) {
        problems.push(
          `${dependent.split('@file:')[0]} gets ${name}@${version}, which nothing of the app uses (the app has ${[...usedByApp].join(', ')})`,
        );
      }
    }
  }
  if (problems.length) {
    console.error(
      `second copies of @backstage packages because of ours:\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
}

main().catch(error => {
  console.error(`duplicate check failed: ${error.message}`);
  process.exit(1);
});
