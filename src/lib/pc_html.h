/* pc_html.h: the report page: targets and verdicts, tables per unit, inline SVG maps, provenance. */
#ifndef PC_HTML_H
#define PC_HTML_H

#include "pc_report.h"
#include "pc_text.h"

/**
 * Append the whole self-contained HTML page of a report (UTF-8, no external resources) to out.
 * Reads the plan's loaded layers for the maps (borrowed).
 */
pc_status pc_html_page(pc_ctx *ctx, pc_text *out, const pc_plan *plan, const pc_report_result *r);

/** Write the page to path. */
pc_status pc_html_write(pc_ctx *ctx, const pc_plan *plan, const pc_report_result *r, const char *path);

#endif
