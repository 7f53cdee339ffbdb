/**
 * Runs the Cinnabar server compiled next to this file, exactly as bin/cinnabar runs the one in
 * dist/. The bench uses it when it was built into a directory other than dist/ (tsc --outDir),
 * so the server measured is the one built together with the bench.
 */
import { main } from '../src/main.js';

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
