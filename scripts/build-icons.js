// Renders build/icon.svg into every icon the app and its installers need, with no native
// addon: resvg compiled to WebAssembly for SVG -> PNG, png2icons (pure JS) for ICO and ICNS.
//   dist/icons/           installer icons: icon.png, icon.ico, icon.icns, png/<N>x<N>.png (Linux)
//   dist/main/electron/icons/   runtime: app.png (window), tray-<state>[Template][@2x].png
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg, initWasm } from '@resvg/resvg-wasm';
import png2icons from 'png2icons';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const TRAY_STATES = {
  running: '#16a34a',
  stopped: '#6b7280',
  failed: '#dc2626',
};

/** The tray glyph: a clock; stopped shows no hands, failed adds a bar under it. */
function traySvg(state, color) {
  const hands =
    state === 'stopped'
      ? ''
      : `<path d="M16 9 V16 L21 19" fill="none" stroke="${color}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>`;
  const badge = state === 'failed' ? `<circle cx="25" cy="25" r="6" fill="${color}"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <circle cx="16" cy="16" r="12" fill="none" stroke="${color}" stroke-width="3"/>${hands}${badge}</svg>`;
}

function render(svg, size) {
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render();
  return Buffer.from(image.asPng());
}

async function write(path, data) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

async function main() {
  await initWasm(await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  const logo = await readFile(join(root, 'build', 'icon.svg'), 'utf8');
  const installer = join(root, 'dist', 'icons');
  const runtime = join(root, 'dist', 'main', 'electron', 'icons');

  for (const size of LINUX_SIZES)
    await write(join(installer, 'png', `${size}x${size}.png`), render(logo, size));
  const large = render(logo, 1024);
  await write(join(installer, 'icon.png'), large);
  const ico = png2icons.createICO(large, png2icons.BICUBIC2, 0, false, true);
  const icns = png2icons.createICNS(large, png2icons.BICUBIC2, 0);
  if (!ico || !icns)
    throw new Error(
      'build-icons: png2icons could not convert build/icon.svg; check that it renders',
    );
  await write(join(installer, 'icon.ico'), ico);
  await write(join(installer, 'icon.icns'), icns);

  await write(join(runtime, 'app.png'), render(logo, 256));
  for (const [state, color] of Object.entries(TRAY_STATES)) {
    for (const [suffix, size] of [
      ['', 16],
      ['@2x', 32],
    ]) {
      await write(join(runtime, `tray-${state}${suffix}.png`), render(traySvg(state, color), size));
      // macOS template images: black plus alpha only; the menu bar recolours them.
      await write(
        join(runtime, `tray-${state}Template${suffix}.png`),
        render(traySvg(state, '#000000'), size),
      );
    }
  }
  console.log(`build-icons: wrote ${installer} and ${runtime}`);
}

main().catch((error) => {
  console.error(`build-icons: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
