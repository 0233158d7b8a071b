/**
 * What a test needs from the machine (real fixtures, GDAL, the Debian Python oracles, Chromium, libxgboost).
 *
 *   test('matches GDAL', { skip: needs(command('gdalinfo'), sharedData('eolearn-svn-l1c')) }, ...)
 *
 * Locally a missing requirement skips the test with the reason. With `CI` set it adds a failing test that
 * names what is missing instead, so CI (`bash .ci/run`, which installs all of these) cannot pass with an
 * oracle skipped; the rest of the file still runs.
 * `SENTIFLOW_SHARED_DATA` moves the fixture folder, and `SENTIFLOW_TEST_MISSING=gdalinfo,python:sklearn,...`
 * pretends requirements are missing (by the names below), to check that CI fails without them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The real Sentinel-2 fixtures: `../shared/data` beside the clone (see DESIGN.md, Test data). */
export const sharedDataDir = process.env.SENTIFLOW_SHARED_DATA || join(repoRoot, '..', 'shared', 'data');
/** Debian's python3: it has numpy, osgeo.gdal, sklearn and xgboost (the pyenv python3 on PATH has none). */
export const debianPython = '/usr/bin/python3';

/** One requirement: its name (for SENTIFLOW_TEST_MISSING) and why it is missing, or false when present. */
export interface Requirement {
  name: string;
  missing: () => string | false;
}

const probes = new Map<string, string | false>();
/** Spawning python or a tool costs ~50 ms: ask once per process. */
function once(key: string, probe: () => string | false): string | false {
  if (!probes.has(key)) probes.set(key, probe());
  return probes.get(key)!;
}

const pretendMissing = new Set(
  (process.env.SENTIFLOW_TEST_MISSING ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** A file or folder under the shared fixture folder, e.g. sharedData('eolearn-svn-l1c/labels'). */
export function sharedData(...relPaths: string[]): Requirement {
  return {
    name: 'shared-data',
    missing: () => {
      const absent = (relPaths.length ? relPaths : ['']).map((p) => join(sharedDataDir, p)).filter((p) => !existsSync(p));
      return absent.length ? `real fixture ${absent.join(', ')} is absent (the ../shared/data folder beside the clone)` : false;
    },
  };
}

/** Python modules importable by Debian's /usr/bin/python3, e.g. python('numpy', 'osgeo.gdal'). */
export function python(...modules: string[]): Requirement {
  return {
    name: `python:${modules.join('+')}`,
    missing: () =>
      once(`python:${modules.join(',')}`, () => {
        if (!existsSync(debianPython)) return `${debianPython} is absent (Debian python3 with ${modules.join(', ')})`;
        const res = spawnSync(debianPython, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
        return res.status === 0 ? false : `${debianPython} cannot import ${modules.join(', ')} (apt-get install python3-…)`;
      }),
  };
}

/** A command-line tool that answers `--version`, e.g. command('gdalinfo'). */
export function command(name: string, hint = 'apt-get install gdal-bin'): Requirement {
  return {
    name,
    missing: () =>
      once(`command:${name}`, () => (spawnSync(name, ['--version']).status === 0 ? false : `${name} is not installed (${hint})`)),
  };
}

/** A file that must exist, e.g. file('/usr/bin/chromium', 'chromium'). */
export function file(path: string, name: string, hint = `apt-get install ${name}`): Requirement {
  return { name, missing: () => (existsSync(path) ? false : `${path} is absent (${hint})`) };
}

/** Anything a function can check, e.g. works('libxgboost', () => xgboostVersion(), 'apt-get install libxgboost0'). */
export function works(name: string, probe: () => unknown, hint = ''): Requirement {
  return {
    name,
    missing: () => {
      try {
        probe();
        return false;
      } catch (err) {
        return `${name} is not usable: ${(err as Error).message}${hint ? ` (${hint})` : ''}`;
      }
    },
  };
}

/** Whether CI is set: then missing requirements fail instead of skipping. */
export function strict(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * The skip reason for node:test (false when everything is there). When CI is set and something is missing, a
 * failing test "missing: <reason>" is registered beside the skipped one, so the run fails.
 */
export function needs(...requirements: Requirement[]): string | false {
  const reasons: string[] = [];
  for (const r of requirements) {
    const why = pretendMissing.has(r.name) ? `${r.name} is missing (SENTIFLOW_TEST_MISSING)` : r.missing();
    if (why) reasons.push(why);
  }
  if (!reasons.length) return false;
  const reason = reasons.join('; ');
  if (strict()) {
    const where = new Error().stack?.split('\n')[2]?.trim() ?? '';
    test(`missing: ${reason}`, () => {
      throw new Error(`CI is set, so a test may not skip for a missing fixture or tool: ${reason} (needed ${where})`);
    });
  }
  return reason;
}
