/* test_pg.c: PostgreSQL helpers without a server: password redaction, identifier quoting, connection strings. */
#include "tu.h"
#include "pc_pg.h"

#include <stdlib.h>

/* redact(source) must equal expected and must not contain secret. */
static void check_redact(const char *source, const char *expected, const char *secret)
{
    char *got = pc_pg_redact(source);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    if (expected && strcmp(got, expected) != 0)
        fprintf(stderr, "\n  redact(%s): expected \"%s\", obtained \"%s\"\n", source, expected, got);
    if (expected)
        CU_ASSERT_STRING_EQUAL(got, expected);
    if (secret && strstr(got, secret))
        fprintf(stderr, "\n  redact(%s) = \"%s\" still shows \"%s\"\n", source, got, secret);
    if (secret)
        CU_ASSERT_PTR_NULL(strstr(got, secret));
    free(got);
}

static void test_redact_key_value(void)
{
    check_redact("PG:host=db dbname=plan password=hunter2 user=bob", "PG:host=db dbname=plan password=*** user=bob",
                 "hunter2");
    /* Quoted values with spaces and escaped quotes: the whole value goes, not only its first word. */
    check_redact("PG:password='sec ret' dbname=plan", "PG:password=*** dbname=plan", "ret");
    check_redact("PG:dbname=plan password = 'it\\'s a secret' host=h", "PG:dbname=plan password = *** host=h",
                 "secret");
    check_redact("pg:PASSWORD=Upper dbname=x", "pg:PASSWORD=*** dbname=x", "Upper");
    check_redact("PG:dbname=x password=a\\ b host=h", "PG:dbname=x password=*** host=h", "b host=h x");
    /* A key that merely ends in "password" is not the password. */
    check_redact("PG:dbname=x sslpassword=k", "PG:dbname=x sslpassword=k", NULL);
    check_redact("PG:dbname=plan", "PG:dbname=plan", NULL);
}

static void test_redact_uri_and_others(void)
{
    check_redact("PG:postgresql://bob:hunter2@db.example.org:5432/plan?sslmode=require",
                 "PG:postgresql://bob:***@db.example.org:5432/plan?sslmode=require", "hunter2");
    check_redact("postgresql://bob@db/plan?password=zz&sslmode=disable",
                 "postgresql://bob@db/plan?password=***&sslmode=disable", "zz");
    check_redact("postgres://bob:pw@host/db", "postgres://bob:***@host/db", "pw@");
    check_redact("/data/plan.gpkg", "/data/plan.gpkg", NULL);
    check_redact("MySQL:plan,user=bob,password=hunter2,port=3306", "MySQL:plan,user=bob,password=***,port=3306",
                 "hunter2");
    check_redact("MSSQL:server=s;database=d;UID=u;PWD=topsecret;", "MSSQL:server=s;database=d;UID=u;PWD=***;",
                 "topsecret");
}

static void test_quote_ident(void)
{
    struct {
        const char *name, *quoted;
    } cases[] = {
        {"plancheck", "\"plancheck\""},
        {"Res", "\"Res\""},
        {"a\"b", "\"a\"\"b\""},
        {"x\"; drop table y; --", "\"x\"\"; drop table y; --\""},
        {"with space", "\"with space\""},
        {"滨海新区", "\"滨海新区\""},
        {"\"", "\"\"\"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *q = pc_pg_quote_ident(cases[i].name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(q);
        CU_ASSERT_STRING_EQUAL(q, cases[i].quoted);
        free(q);
    }
    char long_name[80];
    memset(long_name, 'a', sizeof long_name);
    long_name[63] = '\0';
    char *q = pc_pg_quote_ident(long_name);
    CU_ASSERT_PTR_NOT_NULL(q);
    free(q);
    long_name[63] = 'a';
    long_name[64] = '\0';
    CU_ASSERT_PTR_NULL(pc_pg_quote_ident(long_name));
    TU_ASSERT_CONTAINS(pc_pg_ident_problem(long_name), "longer than 63 bytes");
    TU_ASSERT_CONTAINS(pc_pg_ident_problem(""), "empty");
    CU_ASSERT_PTR_NULL(pc_pg_quote_ident(""));
    CU_ASSERT_PTR_NULL(pc_pg_quote_ident(NULL));
    TU_ASSERT_CONTAINS(pc_pg_ident_problem("a\nb"), "control character");
    TU_ASSERT_CONTAINS(pc_pg_ident_problem("a\xff"), "UTF-8");
    TU_ASSERT_CONTAINS(pc_pg_ident_problem("\xe6\xbb"), "UTF-8"); /* cut in the middle of 滨 */
    TU_ASSERT_CONTAINS(pc_pg_ident_problem("\xc0\xaf"), "UTF-8"); /* overlong '/' */
    CU_ASSERT_PTR_NULL(pc_pg_ident_problem("x; drop table y; --"));
}

static void test_conninfo(void)
{
    char *schema = NULL;
    char *c = pc_pg_conninfo("PG:dbname=plan active_schema=res schemas=a,b host=h tables=t list_all_tables=yes", &schema);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c, "dbname=plan host=h");
    CU_ASSERT_PTR_NOT_NULL_FATAL(schema);
    CU_ASSERT_STRING_EQUAL(schema, "res");
    free(c);
    free(schema);
    c = pc_pg_conninfo("PG:active_schema='my \\'schema' dbname='a b'", &schema);
    CU_ASSERT_STRING_EQUAL(c, "dbname='a b'");
    CU_ASSERT_STRING_EQUAL(schema, "my 'schema");
    free(c);
    free(schema);
    c = pc_pg_conninfo("PG:postgresql://bob@h/db", &schema);
    CU_ASSERT_STRING_EQUAL(c, "postgresql://bob@h/db");
    CU_ASSERT_PTR_NULL(schema);
    free(c);
}

static void test_describe(void)
{
    char buf[512];
    pc_pg_describe("PG:host=db.example.org port=5433 dbname=plan user=bob password=hunter2", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "database 'plan' on db.example.org:5433 as user 'bob'");
    pc_pg_describe("PG:postgresql://alice:pw@gis.local:6000/city", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "database 'city' on gis.local:6000 as user 'alice'");
    CU_ASSERT_PTR_NULL(strstr(buf, "pw"));
}

static void test_one_line_and_copy(void)
{
    char buf[256];
    pc_pg_one_line("PQconnectdb failed.\nconnection to server at \"h\", port 1 failed: FATAL:  database \"x\" does "
                   "not exist\n\tIs the server running?\n",
                   buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "connection to server at \"h\", port 1 failed: database \"x\" does not exist Is the "
                                "server running?");
    pc_pg_one_line("ERROR:  relation \"t\" does not exist", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "relation \"t\" does not exist");
    pc_pg_one_line(NULL, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "");

    char *row = NULL;
    size_t len = 0, cap = 0;
    CU_ASSERT(pc_pg_copy_append(&row, &len, &cap, "a\tb\\c\nd\re 滨海"));
    CU_ASSERT_STRING_EQUAL(row, "a\\tb\\\\c\\nd\\re 滨海");
    TU_ASSERT_INT(len, strlen(row));
    CU_ASSERT(pc_pg_copy_append(&row, &len, &cap, "|\\N"));
    CU_ASSERT_STRING_EQUAL(row, "a\\tb\\\\c\\nd\\re 滨海|\\\\N");
    free(row);
}

int pc_test_register_pg(void)
{
    CU_pSuite suite = CU_add_suite("pg", NULL, NULL);
    if (!suite)
        return -1;
    CU_add_test(suite, "passwords in key=value strings are never shown", test_redact_key_value);
    CU_add_test(suite, "passwords in URIs and other drivers' strings are never shown", test_redact_uri_and_others);
    CU_add_test(suite, "identifiers are quoted or refused", test_quote_ident);
    CU_add_test(suite, "GDAL-only keys are removed for libpq", test_conninfo);
    CU_add_test(suite, "a connection is described without its password", test_describe);
    CU_add_test(suite, "server messages on one line; COPY escaping", test_one_line_and_copy);
    return 0;
}
