/* pc_ini.c: a small INI reader for plan and profile files, with line numbers and UTF-8 values. */
#include "pc_ini.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

int pc_ini_parse_string(const char *text, pc_ini_handler handler, void *user)
{
    char *copy = strdup(text ? text : "");
    if (!copy)
        return -1;
    char section[256] = "";
    int line_no = 0, rc = 0;
    char *cursor = copy;
    if ((unsigned char)cursor[0] == 0xEF && (unsigned char)cursor[1] == 0xBB && (unsigned char)cursor[2] == 0xBF)
        cursor += 3;
    while (cursor && rc == 0) {
        char *line = cursor;
        char *nl = strchr(cursor, '\n');
        if (nl) {
            *nl = '\0';
            cursor = nl + 1;
        } else {
            cursor = NULL;
        }
        line_no++;
        char *s = trim(line);
        if (*s == '\0' || *s == ';' || *s == '#')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end || *trim(end + 1) != '\0' || (size_t)(end - s - 1) >= sizeof section) {
                rc = line_no;
                break;
            }
            *end = '\0';
            snprintf(section, sizeof section, "%s", trim(s + 1));
            continue;
        }
        char *eq = strpbrk(s, "=:");
        if (!eq || eq == s) {
            rc = line_no;
            break;
        }
        *eq = '\0';
        char *key = trim(s);
        char *value = trim(eq + 1);
        /* A ';' or '#' after white space starts a comment. */
        for (char *p = value; *p; p++)
            if ((*p == ';' || *p == '#') && p > value && (p[-1] == ' ' || p[-1] == '\t')) {
                *p = '\0';
                value = trim(value);
                break;
            }
        if (*key == '\0') {
            rc = line_no;
            break;
        }
        if (!handler(user, section, key, value, line_no))
            rc = -1;
    }
    free(copy);
    return rc;
}

int pc_ini_parse_file(const char *path, pc_ini_handler handler, void *user)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -2;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 >= cap) {
            if (cap > (64u << 20)) { /* a profile or plan file is never this large */
                free(buf);
                buf = NULL;
                break;
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int read_error = ferror(f);
    fclose(f);
    if (!buf || read_error) {
        free(buf);
        return -2;
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        free(buf);
        return 1; /* binary data: the first line is not INI */
    }
    int rc = pc_ini_parse_string(buf, handler, user);
    free(buf);
    return rc;
}
