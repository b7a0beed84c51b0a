/* pc_ini.h: a small INI reader for plan and profile files, with line numbers and UTF-8 values. */
#ifndef PC_INI_H
#define PC_INI_H

/*
 * Debian's inih (r55) is built without line numbers in its handler and cuts lines at 200 bytes,
 * which would break rule texts in Chinese and error messages that name the line; hence this.
 */

/** Called per key (key != NULL). Return non-zero to go on, 0 to stop (the handler sets its own error). */
typedef int (*pc_ini_handler)(void *user, const char *section, const char *key, const char *value, int line);

/**
 * Parse INI text: "[section]" lines, "key = value" lines (also "key: value"), comments starting
 * with ';' or '#', blank lines; spaces around keys and values are trimmed; a UTF-8 byte-order mark
 * is skipped. Returns 0 on success, the line number of the first malformed line, or -1 when the
 * handler stopped.
 */
int pc_ini_parse_string(const char *text, pc_ini_handler handler, void *user);

/** Same, from a file. Returns -2 when the file cannot be read. */
int pc_ini_parse_file(const char *path, pc_ini_handler handler, void *user);

#endif
