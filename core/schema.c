/* parvande — the schema's migrations, applied in order on open. Each module
 * owns its SQL (pv_sql_files in records, pv_sql_services in services,
 * pv_sql_security in security); a change to a released schema is a new entry
 * here, never an edit of an old one.
 *
 * Derived data is not schema: the statistics' summary (stats_count) is
 * counted by the step after migrations 11, 14 and 16, once, after the last
 * of them an upgrade applies (it counts as the newest triggers would). Their
 * SQL once counted it itself, each in its own way: an upgrade from schema
 * 10 counted it three times (the last two 714 s and 1,200 s on the bench's
 * 300,000 enrollments). */
#include "internal.h"

const pv_migration pv_migrations[] = {
    {1, "beneficiary files", pv_sql_files, NULL},
    {2, "services and enrollments", pv_sql_services, NULL},
    {3, "users and audit trail", pv_sql_security, NULL},
    {4, "audit head", pv_sql_audit_head, NULL},
    {5, "one timestamp format", pv_sql_timestamps, NULL},
    {6, "groups, courses and inquiries", pv_sql_groups, NULL},
    {7, "referrals and the insurance year", pv_sql_referrals, NULL},
    {8, "statistics: end dates and indexes", pv_sql_stats, NULL},
    {9, "offices and exchange packages", pv_sql_exchange, NULL},
    {10, "inquiries: overdue days, old agency confirmations", pv_sql_desk, NULL},
    {11, "statistics: summary of recipients", pv_sql_stats2, pv_stats_summary_build},
    {12, "exchange: held packages, branch ids of events", pv_sql_exchange2, NULL},
    {13, "person: the national ID unique as an index", pv_sql_import2, NULL},
    {14, "statistics: the summary by breakdown", pv_sql_stats3, pv_stats_summary_build},
    {15, "exchange: digests of the sections applied", pv_sql_exchange3, NULL},
    {16, "statistics: the summary as points, pairs and runs", pv_sql_stats4,
     pv_stats_summary_build},
    {17, "statistics: work per day", pv_sql_stats5, NULL},
};
const int pv_migrations_count = sizeof pv_migrations / sizeof *pv_migrations;
