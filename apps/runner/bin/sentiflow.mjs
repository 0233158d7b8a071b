#!/usr/bin/env node
// Sentiflow CLI entry: registers tsx (the runner runs from TypeScript sources) and starts the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
