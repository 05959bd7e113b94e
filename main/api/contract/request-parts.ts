import { z } from 'zod';
import { idSchema } from '../../core/model/names.js';

/** Requests shared by several channel groups. */
export const empty = z.object({}).strict().optional();
export const taskRef = z.object({ id: idSchema }).strict();
