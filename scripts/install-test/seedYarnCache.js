#!/usr/bin/env node
/*
 * The install test's app downloads into its own Yarn cache (under
 * .install-test/), so nothing it fetches outlives the run. This starts that
 * cache with what the checkout already downloaded for itself: every npm
 * archive the checkout's yarn.lock resolves to is hard-linked (copied across
 * file systems) from the checkout's cache. Archives of anything else (the
 * app's own Backstage release, most of its frontend) still come from the
 * registry, as for a user. Yarn names a cache archive after the locator
 * (`<slug>-npm-<version>-<locator hash>-<cache key>.zip`), so the app's Yarn
 * finds an archive here exactly when it resolves the same version.
 * Usage: node seedYarnCache.js CHECKOUT_LOCKFILE CHECKOUT_CACHE APP_CACHE
 */
/* eslint-disable no-console -- a command-line driver prints */
const {
  copyFileSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
} = require('node:fs');
const { join } = require('node:path');

/** `<slug>-npm-<version>-` of every npm resolution in a Yarn lockfile. */
function archivePrefixes(lockfile) {
  const prefixes = new Set();
  for (const [, locator] of lockfile.matchAll(/^ {2}resolution: "(.+)"$/gm)) {
    const at = locator.lastIndexOf('@npm:');
    if (at <= 0) continue; // workspaces, patches, file: tarballs
    const slug = locator.slice(0, at).replace('/', '-');
    prefixes.add(`${slug}-npm-${locator.slice(at + '@npm:'.length)}-`);
  }
  return prefixes;
}

/** The prefix of an archive name: all but the locator hash and cache key. */
function prefixOf(archive) {
  return archive.replace(/[0-9a-f]{10}-[0-9a-z]+\.zip$/, '');
}

function main() {
  const [lockfilePath, fromCache, toCache] = process.argv.slice(2);
  const wanted = archivePrefixes(readFileSync(lockfilePath, 'utf8'));
  mkdirSync(toCache, { recursive: true });
  let seeded = 0;
  for (const archive of readdirSync(fromCache)) {
    if (!archive.endsWith('.zip') || !wanted.has(prefixOf(archive))) continue;
    const from = join(fromCache, archive);
    const to = join(toCache, archive);
    try {
      linkSync(from, to);
    } catch (error) {
      if (error.code !== 'EXDEV') throw error;
      copyFileSync(from, to);
    }
    seeded += 1;
  }
  console.log(
    `seeded the app's Yarn cache with ${seeded} archives the checkout already has`,
  );
}

main();
