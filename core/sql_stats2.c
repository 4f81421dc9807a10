/* parvande — schema of the statistics' summary (migration 11): the number of
 * distinct recipients per (period kind, branch, breakdown, figure, service,
 * group, period), kept exact by triggers on `enrollment` in the same
 * transaction as every change of an enrollment.
 *
 * Why: counting distinct persons over the enrollments of a year took about
 * 8 us an enrollment (1.1-1.4 s for every service by month over a year on the
 * bench's 300,000 enrollments); reading the counts is a few thousand rows.
 *
 * How it stays exact: every change of an enrollment changes only what its
 * person contributes to its service's figures. A BEFORE trigger subtracts
 * that contribution (computed from the rows as they are) and the AFTER
 * trigger adds it back as it is now (view stats_contrib, one row per figure
 * the person is counted in, so a person is counted once however many
 * enrollments they have). The person's copied values (gender, county...)
 * change through enrollment_person_sync, which updates the enrollments and so
 * fires the same triggers.
 *
 * Kinds: 1 month, 2 season, 3 year (day figures are counted directly: a day
 * table of every enrollment's active days would be far larger than the
 * enrollments). Branch 0 holds every branch's persons, counted once.
 * Figures: 0 started in the period, 2 completed in it, 1 active in it and
 * ended (one row per period, for a person whose enrollments ended), 3 the
 * first period of an enrollment still running (active from it on, for
 * ever: a person's active count in a period is their rows of figure 1 in it
 * plus their rows of figure 3 up to it; the figure-1 rows stop where the
 * person's running enrollment starts, so no person is counted twice).
 *
 * Periods come from stats_month (the first day of every month of Jalali
 * 1279-1499 and its key; a date's month is the last one starting on or
 * before it), built from the Nowruz dates below (pv_jalali_to_gregorian);
 * dates outside it are not counted here. One row a month, not a day: the
 * table stays a few kilobytes in every database. */
#include "internal.h"
#include "sql_stats_summary.h"

/* Each counted enrollment with the month keys of its start (smk), its end
 * (emk, NULL while it runs) and of the first start of the person's running
 * enrollments of the service (omk_all, and omk_branch: in its branch). */
#define X_SQL                                                                                \
    "SELECT * FROM (SELECT e.person_id AS person_id, e.code AS code,\n"                      \
    "  e.branch_code AS branch_code, e.status AS status, e.ended_on AS ended_on,\n"           \
    X_MONTHS "\n"                                                                         \
    "FROM enrollment e WHERE e.status IN ('in_progress', 'completed'))\n"                    \
    "WHERE smk IS NOT NULL"
/* Those of X_SQL once per kind and branch scope (0: every branch), with the
 * kind's keys: sk start, ek end, osk the first running start. */
#define SRC_SQL(x)                                                                           \
    "SELECT x.person_id AS person_id, x.code AS code, k.kind AS kind,\n"                     \
    "  CASE WHEN s.scope = 0 THEN 0 ELSE x.branch_code END AS branch, 0 AS dim, '' AS grp,\n" \
    "  x.status AS status, x.ended_on AS ended_on,\n"                                        \
    "  " KEY_OF("x.smk") " AS sk, " KEY_OF("x.emk") " AS ek,\n"                              \
    "  " KEY_OF("CASE WHEN s.scope = 0 THEN x.omk_all ELSE x.omk_branch END") " AS osk\n"     \
    "FROM " x " x\n"                                                                         \
    "JOIN (SELECT 1 AS kind UNION ALL SELECT 2 UNION ALL SELECT 3) k\n"                      \
    "JOIN (SELECT 0 AS scope UNION ALL SELECT 1) s"
#define COUNTED(row) row ".status IN ('in_progress', 'completed')"
#define STATS_COLS "status, date, ended_on, code, branch_code, person_id, province, county, " \
                   "gender, birth_date, area, disability, requested_by"
#define TRIGGER(name, when, what, cond, body)                                              \
    "CREATE TRIGGER " name " " when " " what " ON enrollment\n  WHEN " cond " BEGIN\n" body  \
    "END;\n"
/* An update that changes none of the counted columns (enrollment_ended
 * writing the date the row already has, a renumbering of the events)
 * changes no count: both triggers of the pair skip it alike. */
#define DIFF(c) "OLD." c " IS NOT NEW." c
#define CHANGED                                                                             \
    "(" DIFF("status") " OR " DIFF("date") " OR " DIFF("ended_on") " OR " DIFF("code")     \
    " OR " DIFF("branch_code") " OR " DIFF("person_id") " OR " DIFF("province")            \
    " OR " DIFF("county") " OR " DIFF("gender") " OR " DIFF("birth_date") " OR "           \
    DIFF("area") " OR " DIFF("disability") " OR " DIFF("requested_by") ")"
#define BOTH_P "OLD.person_id, NEW.person_id"
#define BOTH_C "OLD.code, NEW.code"
#define STATS_TRIGGERS                                                                      \
    TRIGGER("stats_enrollment_insert_old", "BEFORE", "INSERT", COUNTED("NEW"),              \
            CONTRIB("-", "NEW.person_id", "NEW.code"))                                      \
    TRIGGER("stats_enrollment_insert", "AFTER", "INSERT", COUNTED("NEW"),                   \
            CONTRIB("", "NEW.person_id", "NEW.code"))                                       \
    TRIGGER("stats_enrollment_update_old", "BEFORE", "UPDATE OF " STATS_COLS,               \
            "(" COUNTED("OLD") " OR " COUNTED("NEW") ") AND " CHANGED,                      \
            CONTRIB("-", BOTH_P, BOTH_C))                                                   \
    TRIGGER("stats_enrollment_update", "AFTER", "UPDATE OF " STATS_COLS,                    \
            "(" COUNTED("OLD") " OR " COUNTED("NEW") ") AND " CHANGED,                      \
            CONTRIB("", BOTH_P, BOTH_C))                                                    \
    TRIGGER("stats_enrollment_delete_old", "BEFORE", "DELETE", COUNTED("OLD"),              \
            CONTRIB("-", "OLD.person_id", "OLD.code"))                                      \
    TRIGGER("stats_enrollment_delete", "AFTER", "DELETE", COUNTED("OLD"),                   \
            CONTRIB("", "OLD.person_id", "OLD.code"))

const char pv_sql_stats2[] =
    "CREATE TABLE stats_jyear (y INTEGER PRIMARY KEY, nowruz TEXT NOT NULL);\n"
    "INSERT INTO stats_jyear (y, nowruz) VALUES\n"
    "(1279,'1900-03-21'),(1280,'1901-03-21'),(1281,'1902-03-22'),(1282,'1903-03-22'),(1283,'1904-03-21'),\n"
    "(1284,'1905-03-21'),(1285,'1906-03-22'),(1286,'1907-03-22'),(1287,'1908-03-21'),(1288,'1909-03-21'),\n"
    "(1289,'1910-03-22'),(1290,'1911-03-22'),(1291,'1912-03-21'),(1292,'1913-03-21'),(1293,'1914-03-22'),\n"
    "(1294,'1915-03-22'),(1295,'1916-03-21'),(1296,'1917-03-21'),(1297,'1918-03-22'),(1298,'1919-03-22'),\n"
    "(1299,'1920-03-21'),(1300,'1921-03-21'),(1301,'1922-03-22'),(1302,'1923-03-22'),(1303,'1924-03-21'),\n"
    "(1304,'1925-03-21'),(1305,'1926-03-22'),(1306,'1927-03-22'),(1307,'1928-03-21'),(1308,'1929-03-21'),\n"
    "(1309,'1930-03-21'),(1310,'1931-03-22'),(1311,'1932-03-21'),(1312,'1933-03-21'),(1313,'1934-03-21'),\n"
    "(1314,'1935-03-22'),(1315,'1936-03-21'),(1316,'1937-03-21'),(1317,'1938-03-21'),(1318,'1939-03-22'),\n"
    "(1319,'1940-03-21'),(1320,'1941-03-21'),(1321,'1942-03-21'),(1322,'1943-03-22'),(1323,'1944-03-21'),\n"
    "(1324,'1945-03-21'),(1325,'1946-03-21'),(1326,'1947-03-22'),(1327,'1948-03-21'),(1328,'1949-03-21'),\n"
    "(1329,'1950-03-21'),(1330,'1951-03-22'),(1331,'1952-03-21'),(1332,'1953-03-21'),(1333,'1954-03-21'),\n"
    "(1334,'1955-03-22'),(1335,'1956-03-21'),(1336,'1957-03-21'),(1337,'1958-03-21'),(1338,'1959-03-22'),\n"
    "(1339,'1960-03-21'),(1340,'1961-03-21'),(1341,'1962-03-21'),(1342,'1963-03-21'),(1343,'1964-03-21'),\n"
    "(1344,'1965-03-21'),(1345,'1966-03-21'),(1346,'1967-03-21'),(1347,'1968-03-21'),(1348,'1969-03-21'),\n"
    "(1349,'1970-03-21'),(1350,'1971-03-21'),(1351,'1972-03-21'),(1352,'1973-03-21'),(1353,'1974-03-21'),\n"
    "(1354,'1975-03-21'),(1355,'1976-03-21'),(1356,'1977-03-21'),(1357,'1978-03-21'),(1358,'1979-03-21'),\n"
    "(1359,'1980-03-21'),(1360,'1981-03-21'),(1361,'1982-03-21'),(1362,'1983-03-21'),(1363,'1984-03-21'),\n"
    "(1364,'1985-03-21'),(1365,'1986-03-21'),(1366,'1987-03-21'),(1367,'1988-03-21'),(1368,'1989-03-21'),\n"
    "(1369,'1990-03-21'),(1370,'1991-03-21'),(1371,'1992-03-21'),(1372,'1993-03-21'),(1373,'1994-03-21'),\n"
    "(1374,'1995-03-21'),(1375,'1996-03-20'),(1376,'1997-03-21'),(1377,'1998-03-21'),(1378,'1999-03-21'),\n"
    "(1379,'2000-03-20'),(1380,'2001-03-21'),(1381,'2002-03-21'),(1382,'2003-03-21'),(1383,'2004-03-20'),\n"
    "(1384,'2005-03-21'),(1385,'2006-03-21'),(1386,'2007-03-21'),(1387,'2008-03-20'),(1388,'2009-03-21'),\n"
    "(1389,'2010-03-21'),(1390,'2011-03-21'),(1391,'2012-03-20'),(1392,'2013-03-21'),(1393,'2014-03-21'),\n"
    "(1394,'2015-03-21'),(1395,'2016-03-20'),(1396,'2017-03-21'),(1397,'2018-03-21'),(1398,'2019-03-21'),\n"
    "(1399,'2020-03-20'),(1400,'2021-03-21'),(1401,'2022-03-21'),(1402,'2023-03-21'),(1403,'2024-03-20'),\n"
    "(1404,'2025-03-21'),(1405,'2026-03-21'),(1406,'2027-03-21'),(1407,'2028-03-20'),(1408,'2029-03-20'),\n"
    "(1409,'2030-03-21'),(1410,'2031-03-21'),(1411,'2032-03-20'),(1412,'2033-03-20'),(1413,'2034-03-21'),\n"
    "(1414,'2035-03-21'),(1415,'2036-03-20'),(1416,'2037-03-20'),(1417,'2038-03-21'),(1418,'2039-03-21'),\n"
    "(1419,'2040-03-20'),(1420,'2041-03-20'),(1421,'2042-03-21'),(1422,'2043-03-21'),(1423,'2044-03-20'),\n"
    "(1424,'2045-03-20'),(1425,'2046-03-21'),(1426,'2047-03-21'),(1427,'2048-03-20'),(1428,'2049-03-20'),\n"
    "(1429,'2050-03-21'),(1430,'2051-03-21'),(1431,'2052-03-20'),(1432,'2053-03-20'),(1433,'2054-03-21'),\n"
    "(1434,'2055-03-21'),(1435,'2056-03-20'),(1436,'2057-03-20'),(1437,'2058-03-21'),(1438,'2059-03-21'),\n"
    "(1439,'2060-03-20'),(1440,'2061-03-20'),(1441,'2062-03-20'),(1442,'2063-03-21'),(1443,'2064-03-20'),\n"
    "(1444,'2065-03-20'),(1445,'2066-03-20'),(1446,'2067-03-21'),(1447,'2068-03-20'),(1448,'2069-03-20'),\n"
    "(1449,'2070-03-20'),(1450,'2071-03-21'),(1451,'2072-03-20'),(1452,'2073-03-20'),(1453,'2074-03-20'),\n"
    "(1454,'2075-03-21'),(1455,'2076-03-20'),(1456,'2077-03-20'),(1457,'2078-03-20'),(1458,'2079-03-21'),\n"
    "(1459,'2080-03-20'),(1460,'2081-03-20'),(1461,'2082-03-20'),(1462,'2083-03-21'),(1463,'2084-03-20'),\n"
    "(1464,'2085-03-20'),(1465,'2086-03-20'),(1466,'2087-03-21'),(1467,'2088-03-20'),(1468,'2089-03-20'),\n"
    "(1469,'2090-03-20'),(1470,'2091-03-21'),(1471,'2092-03-20'),(1472,'2093-03-20'),(1473,'2094-03-20'),\n"
    "(1474,'2095-03-20'),(1475,'2096-03-20'),(1476,'2097-03-20'),(1477,'2098-03-20'),(1478,'2099-03-20'),\n"
    "(1479,'2100-03-21'),(1480,'2101-03-21'),(1481,'2102-03-21'),(1482,'2103-03-21'),(1483,'2104-03-21'),\n"
    "(1484,'2105-03-21'),(1485,'2106-03-21'),(1486,'2107-03-21'),(1487,'2108-03-21'),(1488,'2109-03-21'),\n"
    "(1489,'2110-03-21'),(1490,'2111-03-21'),(1491,'2112-03-21'),(1492,'2113-03-21'),(1493,'2114-03-21'),\n"
    "(1494,'2115-03-21'),(1495,'2116-03-21'),(1496,'2117-03-21'),(1497,'2118-03-21'),(1498,'2119-03-21'),\n"
    "(1499,'2120-03-21'),(1500,'2121-03-21');\n"
    "CREATE TABLE stats_month (first TEXT PRIMARY KEY, mkey INTEGER) WITHOUT ROWID;\n"
    /* months 1-6 have 31 days, 7-11 30; the row of 1500's Nowruz (no key)
     * ends the calendar */
    "INSERT INTO stats_month (first, mkey)\n"
    "  SELECT date(y.nowruz, '+' || (CASE WHEN m.m <= 7 THEN (m.m - 1) * 31\n"
    "      ELSE 186 + (m.m - 7) * 30 END) || ' days'), y.y * 12 + m.m - 1\n"
    "  FROM stats_jyear y, (SELECT 1 AS m UNION ALL SELECT 2 UNION ALL SELECT 3\n"
    "    UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7\n"
    "    UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11\n"
    "    UNION ALL SELECT 12) m WHERE y.y < 1500\n"
    "  UNION ALL SELECT nowruz, NULL FROM stats_jyear WHERE y = 1500;\n"
    "CREATE TABLE stats_period (kind INTEGER NOT NULL, key INTEGER NOT NULL,\n"
    "  PRIMARY KEY (kind, key)) WITHOUT ROWID;\n"
    "INSERT INTO stats_period (kind, key) SELECT DISTINCT 1, mkey FROM stats_month\n"
    "  WHERE mkey IS NOT NULL\n"
    "  UNION SELECT DISTINCT 2, mkey / 12 * 4 + mkey % 12 / 3 FROM stats_month\n"
    "  WHERE mkey IS NOT NULL\n"
    "  UNION SELECT DISTINCT 3, mkey / 12 FROM stats_month WHERE mkey IS NOT NULL;\n"
    "CREATE VIEW stats_x AS " X_SQL ";\n"
    "CREATE VIEW stats_src AS " SRC_SQL("stats_x") ";\n"
    "CREATE VIEW stats_contrib AS " CONTRIB_SQL("stats_src") ";\n"
    "CREATE TABLE stats_count (kind INTEGER NOT NULL, branch INTEGER NOT NULL,\n"
    "  dim INTEGER NOT NULL, measure INTEGER NOT NULL, code TEXT NOT NULL, grp TEXT NOT NULL,\n"
    "  key INTEGER NOT NULL, n INTEGER NOT NULL,\n"
    "  PRIMARY KEY (kind, branch, dim, measure, code, grp, key)) WITHOUT ROWID;\n"
    STATS_TRIGGERS;
