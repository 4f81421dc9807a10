/* bench-rss — runs a command and reports its wall time and peak resident
 * set size (getrusage of the child), so `make bench` needs no GNU time.
 *
 *   bench-rss OUT CMD [ARGS...]
 *
 * Writes "SECONDS PEAK_KB" to the file OUT, the child's CPU seconds (user
 * plus system) to OUT.cpu, and exits with the command's status (128+signal
 * when it was killed). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-rss OUT CMD [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench-rss: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("bench-rss: exec");
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("bench-rss: wait");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fprintf(f, "%.3f %ld\n", secs, ru.ru_maxrss);
    fclose(f);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    char cpu_path[4096];
    snprintf(cpu_path, sizeof cpu_path, "%s.cpu", argv[1]);
    if ((f = fopen(cpu_path, "w"))) {
        fprintf(f, "%.3f\n", cpu);
        fclose(f);
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
