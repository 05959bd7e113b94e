import type { Page } from 'playwright-core';

// The canvas layout (renderer/src/screens/timeline/timeline-layout.ts).
export const LABEL_WIDTH = 220;
export const AXIS_HEIGHT = 28;
export const ROW_HEIGHT = 22;

/** Where on the page an instant of a timeline row is drawn. */
export async function pointOf(page: Page, row: number, at: number) {
  const canvas = page.getByTestId('timeline-canvas');
  const box = (await canvas.boundingBox())!;
  const data = await canvas.evaluate((c) => ({ ...(c as HTMLCanvasElement).dataset }));
  const from = Number(data.from);
  const to = Number(data.to);
  const x = box.x + LABEL_WIDTH + ((at - from) / (to - from)) * (box.width - LABEL_WIDTH);
  const y = box.y + AXIS_HEIGHT + row * ROW_HEIGHT + ROW_HEIGHT / 2 - Number(data.scrollY);
  return { x, y };
}
