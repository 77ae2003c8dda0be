/*
 * Demo data for a first look: two teams and four users (a manager, two
 * sales reps, a read-only viewer; no passwords), a few dozen companies
 * (some branches) and contacts with Latin and Cyrillic names owned by them,
 * a sales pipeline with won and lost reasons, written through the same
 * validation as the API. Only an empty database
 * is seeded; the built-in roles must exist.
 */
#ifndef CRM_STORE_DEMO_DATA_H
#define CRM_STORE_DEMO_DATA_H

#include "base/err.h"

struct store;

/* *seeded_out: records written (0 when the database already held companies). */
int demo_data_seed(struct store *store, int *seeded_out, struct err *err);

#endif
