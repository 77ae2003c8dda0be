/*
 * Sales pipelines and the reasons a deal is won or lost: the rules an
 * administrator's configuration must follow. A pipeline is a name and an
 * ordered list of stages, each with a win probability, a kind (open, won,
 * lost) and the days after which a deal sitting in it is "rotting". Pure
 * functions over request bodies: no SQL, no HTTP.
 *
 * DESIGN: won and lost stages are terminal. Every pipeline has at least one
 * open, one won and one lost stage; open stages come first, then the
 * terminal ones (the board shows them last). A won stage has probability
 * 100 and a lost one 0, and neither rots. A body's stage list is the whole
 * ordered list: a stage with an "id" is kept (and renamed, re-weighted or
 * moved), one without is new, and a stage left out is removed.
 */
#ifndef CRM_DOMAIN_PIPELINE_H
#define CRM_DOMAIN_PIPELINE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"

#define PIPELINE_NAME_MAX_CHARS 100
#define PIPELINE_STAGES_MAX 50
#define PIPELINE_POSITION_MAX 10000
#define STAGE_ROT_DAYS_MAX 3650
#define DEAL_REASON_NAME_MAX_CHARS 100

enum stage_kind { STAGE_OPEN, STAGE_WON, STAGE_LOST };

/* "open", "won", "lost". */
const char *stage_kind_name(enum stage_kind kind);
/* false when text is none of the names. */
bool stage_kind_parse(const char *text, enum stage_kind *out);

/*
 * Checks a pipeline body. current NULL: a new pipeline (name and stages
 * required, position optional); otherwise the pipeline as the API shows it
 * ({name, position, stages:[{id, name, probability, kind, position,
 * rot_days}]}), of which the body may change name, position and stages.
 * *clean gets the keys that change (none on an update that changes
 * nothing), each stage complete: {"id"? (kept stages), "name",
 * "probability", "kind", "rot_days", "position"} with positions 0..n-1 in
 * list order; a kept stage's absent keys come from current. Problems are
 * field errors named like "stages[2].probability"; *clean is then NULL.
 */
int pipeline_validate(const json_t *body, const json_t *current, json_t **clean, struct err *err);

/*
 * Checks a deal reason body ({kind: won|lost, name, position, active}).
 * current NULL: a new reason (kind and name required); otherwise the
 * reason as the API shows it, whose kind cannot change. *clean gets the
 * keys that change, as pipeline_validate.
 */
int deal_reason_validate(const json_t *body, const json_t *current, json_t **clean,
                         struct err *err);

/* Whether text is a deal reason kind ("won" or "lost"). */
bool deal_reason_kind_valid(const char *text);

#endif
