import { defineConfig } from 'vite';

// A sandboxed preload cannot require relative files, so it is bundled into one CommonJS file
// with everything but 'electron' (which Electron provides) inlined.
export default defineConfig({
  build: {
    outDir: 'dist/preload',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    lib: {
      entry: 'preload/preload.ts',
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});
