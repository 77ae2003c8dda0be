/*
 * Runs the registered unit tests, each in a forked child so that a crash or
 * an abort fails one test only. With arguments, runs only the tests whose
 * names contain one of them. Prints one line per failure and closes with
 * "N passed, N failed"; exits non-zero when anything failed.
 */
#include "test.h"

#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

struct test_case {
    const char *name;
    const char *file;
    test_fn *fn;
};

static struct test_case tests[2048];
static size_t n_tests;

void test_register(const char *name, const char *file, test_fn *fn)
{
    if (n_tests == sizeof(tests) / sizeof(tests[0])) {
        fprintf(stderr, "too many tests\n");
        abort();
    }
    tests[n_tests++] = (struct test_case){name, file, fn};
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    _exit(1);
}

static int selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++) {
        if (strstr(name, argv[i]) != NULL)
            return 1;
    }
    return 0;
}

static int run_one(const struct test_case *t)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 0;
    }
    if (pid == 0) {
        t->fn();
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 1;
    if (WIFSIGNALED(status))
        fprintf(stderr, "  killed by signal %d\n", WTERMSIG(status));
    return 0;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n_tests; i++) {
        if (!selected(tests[i].name, argc, argv))
            continue;
        if (run_one(&tests[i])) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL %s (%s)\n", tests[i].name, tests[i].file);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
