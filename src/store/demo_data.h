/*
 * Demo data for a first look: a few dozen companies (some branches) and
 * contacts with Latin and Cyrillic names, written through the same
 * validation as the API. Only an empty database is seeded.
 */
#ifndef CRM_STORE_DEMO_DATA_H
#define CRM_STORE_DEMO_DATA_H

#include "base/err.h"

struct store;

/* *seeded_out: records written (0 when the database already held companies). */
int demo_data_seed(struct store *store, int *seeded_out, struct err *err);

#endif
