/* parvande — the schema's migrations, applied in order on open. Each module
 * owns its SQL (pv_sql_files in records, pv_sql_services in services,
 * pv_sql_security in security); a change to a released schema is a new entry
 * here, never an edit of an old one. */
#include "internal.h"

const pv_migration pv_migrations[] = {
    {1, "beneficiary files", pv_sql_files},
    {2, "services and enrollments", pv_sql_services},
    {3, "users and audit trail", pv_sql_security},
    {4, "audit head", pv_sql_audit_head},
    {5, "one timestamp format", pv_sql_timestamps},
    {6, "groups, courses and inquiries", pv_sql_groups},
    {7, "referrals and the insurance year", pv_sql_referrals},
    {8, "statistics: end dates and indexes", pv_sql_stats},
    {9, "offices and exchange packages", pv_sql_exchange},
    {10, "inquiries: overdue days, old agency confirmations", pv_sql_desk},
    {11, "statistics: summary of recipients", pv_sql_stats2},
    {12, "exchange: held packages, branch ids of events", pv_sql_exchange2},
    {13, "person: the national ID unique as an index", pv_sql_import2},
    {14, "statistics: the summary by breakdown", pv_sql_stats3},
    {15, "exchange: digests of the sections applied", pv_sql_exchange3},
    {16, "statistics: the summary as points, pairs and runs", pv_sql_stats4},
};
const int pv_migrations_count = sizeof pv_migrations / sizeof *pv_migrations;
