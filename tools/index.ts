import type { Tool } from './tool.js';
import { searchTool } from './search.js';
import { readTool } from './read.js';
import { editTool } from './edit/edit.js';
import { writeTool } from './write.js';
import { listTool } from './list.js';
import { terminalTool } from './terminal.js';
import { symbolsTool } from './symbols.js';
import { codebaseSearchTool } from './codebase-search.js';

/** Every tool offered to the model. Adding a tool: one module plus one line here. */
export const builtinTools: Tool[] = [
  searchTool,
  readTool,
  editTool,
  writeTool,
  listTool,
  terminalTool,
  symbolsTool,
  codebaseSearchTool,
];
