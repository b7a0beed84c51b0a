/* pc_plan_internal.h: plan internals exposed to tests and fuzzers only. */
#ifndef PC_PLAN_INTERNAL_H
#define PC_PLAN_INTERNAL_H

#include "pc_plan.h"

/** Parse the text of a *.plan file without opening any source (name is used in messages). */
pc_status pc_plan_parse_text(pc_ctx *ctx, const char *text, const char *name);

#endif
