export { checkReport } from './check-report';
export { SECTION_SYNONYMS } from './report-sections';
export {
  MAX_CONTAINER_WEIGHT,
  MAX_INLINE_MARKERS,
  MAX_LINE_MARKERS,
  MAX_LINES,
  MAX_MARKER_INDENT,
  MAX_NESTING,
  MAX_TABLE_CELLS,
  MAX_TABLE_COLUMNS,
} from './markdown-outline';
export * from './types';
