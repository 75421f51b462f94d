/*
 * floor.c - cost floors for the katib-sa benchmark.
 *
 *   floor parse PATH...     read and event-parse (libyaml) every *.yaml, *.yml
 *                           and *.json file under each directory PATH (sorted,
 *                           recursive walk) and every regular file PATH given
 *                           directly.  One thread.
 *   floor rewrite PATH...   the same, then replace every parsed file the way a
 *                           careful tool must, one file at a time: temporary
 *                           file in the same directory, fchmod to the original
 *                           mode, write, fsync, close, rename over the original.
 *                           The bytes written are the bytes read.
 *
 * Options (before the command):
 *   --fsync-dir   rewrite: also fsync the directory after each rename.
 *   --quiet       no summary line on stderr.
 *
 * Exit status: 0 on success, 2 if any file could not be read, parsed or
 * rewritten (processing continues with the next file).
 *
 * Build: cc -O2 -o floor floor.c $(pkg-config --cflags --libs yaml-0.1)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <yaml.h>

struct list {
    char **items;
    size_t len, cap;
};

static void list_push(struct list *l, char *s) {
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (!l->items) {
            perror("realloc");
            exit(2);
        }
    }
    l->items[l->len++] = s;
}

static int has_yaml_ext(const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    return strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0 || strcmp(dot, ".json") == 0;
}

static int errors;

static int cmp_dirent(const void *a, const void *b) {
    return strcmp((*(struct dirent *const *)a)->d_name, (*(struct dirent *const *)b)->d_name);
}

/* Sorted recursive walk: entries of each directory in strcmp order,
 * subdirectories descended at their place in that order. */
static void walk(const char *dir, struct list *out) {
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, NULL);
    if (n < 0) {
        fprintf(stderr, "floor: %s: %s\n", dir, strerror(errno));
        errors++;
        return;
    }
    /* alphasort uses strcoll; sort bytewise for a locale-free order */
    qsort(ents, (size_t)n, sizeof *ents, cmp_dirent);
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            free(ents[i]);
            continue;
        }
        char *path;
        if (asprintf(&path, "%s/%s", dir, name) < 0) {
            perror("asprintf");
            exit(2);
        }
        struct stat st;
        if (lstat(path, &st) != 0) {
            fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
            errors++;
            free(path);
        } else if (S_ISDIR(st.st_mode)) {
            walk(path, out);
            free(path);
        } else if (S_ISREG(st.st_mode) && has_yaml_ext(name)) {
            list_push(out, path);
        } else {
            free(path);
        }
        free(ents[i]);
    }
    free(ents);
}

static unsigned char *read_all(int fd, size_t *len) {
    size_t cap = 1 << 16, n = 0;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (size_t)st.st_size + 1;
    unsigned char *buf = malloc(cap);
    if (!buf) return NULL;
    for (;;) {
        if (n == cap) {
            cap *= 2;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            free(buf);
            return NULL;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    *len = n;
    return buf;
}

static unsigned long long total_events;

static int parse_buffer(const char *path, const unsigned char *buf, size_t len) {
    yaml_parser_t parser;
    yaml_event_t event;
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "floor: %s: parser init failed\n", path);
        return -1;
    }
    yaml_parser_set_input_string(&parser, buf, len);
    int rc = 0;
    for (;;) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "floor: %s:%zu:%zu: %s\n", path, parser.problem_mark.line + 1,
                    parser.problem_mark.column + 1, parser.problem ? parser.problem : "parse error");
            rc = -1;
            break;
        }
        total_events++;
        int done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (done) break;
    }
    yaml_parser_delete(&parser);
    return rc;
}

static int write_all(int fd, const unsigned char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

static int fsync_dir_flag;

static int rewrite_file(const char *path, const unsigned char *buf, size_t len, mode_t mode) {
    char *copy = strdup(path);
    char *dir = dirname(copy);
    char *tmp;
    if (asprintf(&tmp, "%s/.floor-XXXXXX.tmp", dir) < 0) {
        free(copy);
        return -1;
    }
    int fd = mkstemps(tmp, 4);
    int rc = -1;
    if (fd < 0) {
        fprintf(stderr, "floor: %s: mkstemps: %s\n", tmp, strerror(errno));
        goto out;
    }
    if (fchmod(fd, mode & 07777) != 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
        fprintf(stderr, "floor: %s: %s\n", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (fsync_dir_flag) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd < 0 || fsync(dfd) != 0) {
            fprintf(stderr, "floor: %s: fsync dir: %s\n", dir, strerror(errno));
            if (dfd >= 0) close(dfd);
            goto out;
        }
        close(dfd);
    }
    rc = 0;
out:
    free(tmp);
    free(copy);
    return rc;
}

static void usage(void) {
    fprintf(stderr, "usage: floor [--quiet] [--fsync-dir] parse|rewrite PATH...\n");
    exit(2);
}

int main(int argc, char **argv) {
    int quiet = 0, i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--quiet") == 0) quiet = 1;
        else if (strcmp(argv[i], "--fsync-dir") == 0) fsync_dir_flag = 1;
        else usage();
    }
    if (i + 2 > argc) usage();
    int rewrite;
    if (strcmp(argv[i], "parse") == 0) rewrite = 0;
    else if (strcmp(argv[i], "rewrite") == 0) rewrite = 1;
    else usage();
    i++;

    struct list files = {0};
    for (; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "floor: %s: %s\n", argv[i], strerror(errno));
            errors++;
        } else if (S_ISDIR(st.st_mode)) {
            walk(argv[i], &files);
        } else {
            list_push(&files, strdup(argv[i]));
        }
    }

    unsigned long long bytes = 0;
    size_t rewritten = 0;
    for (size_t k = 0; k < files.len; k++) {
        const char *path = files.items[k];
        int fd = open(path, O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
            errors++;
            continue;
        }
        struct stat st;
        size_t len = 0;
        unsigned char *buf = NULL;
        if (fstat(fd, &st) != 0 || !(buf = read_all(fd, &len))) {
            fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
            errors++;
            close(fd);
            continue;
        }
        close(fd);
        bytes += len;
        if (parse_buffer(path, buf, len) != 0) {
            errors++;
        } else if (rewrite) {
            if (rewrite_file(path, buf, len, st.st_mode) != 0) errors++;
            else rewritten++;
        }
        free(buf);
    }

    if (!quiet) {
        fprintf(stderr, "floor %s: %zu files, %llu bytes, %llu events", rewrite ? "rewrite" : "parse",
                files.len, bytes, total_events);
        if (rewrite) fprintf(stderr, ", %zu rewritten", rewritten);
        fprintf(stderr, ", %d errors\n", errors);
    }
    for (size_t k = 0; k < files.len; k++) free(files.items[k]);
    free(files.items);
    return errors ? 2 : 0;
}
