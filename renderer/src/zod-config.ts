import { z } from 'zod';

// zod compiles fast object parsers with new Function unless told not to; the renderer's CSP has
// no 'unsafe-eval', so the probe would log a CSP violation on every start. Imported first by
// main.tsx, before any schema is built, because zod reads this when a schema is created.
z.config({ jitless: true });
