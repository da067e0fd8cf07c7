/*
 * torpor-init: PID 1 of a Torpor function container. Runs the function, reaps every child,
 * forwards signals, and relays the function's Runtime API requests to the node agent.
 * Only plain fds and ppoll are used so that CRIU can dump the process while detached.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "relay.h"

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
static volatile sig_atomic_t got[NSIG];
static pid_t child;

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("torpor-init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void on_signal(int sig)
{
	got[sig] = 1;
}

static void spawn(char **argv, const sigset_t *mask)
{
	size_t i;

	child = fork();
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (child)
		return;
	for (i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		signal(forwarded[i], SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execvp(argv[0], argv);
	fprintf(stderr, "torpor-init: exec %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Reaps every child; the function's end ends the relay with the same status. */
static void reap(void)
{
	int st, code;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != child)
			continue;
		code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		chan_exit(code);
		exit(code);
	}
}

int main(int argc, char **argv)
{
	const char *sock = "/run/torpor/agent.sock", *api = getenv("AWS_LAMBDA_RUNTIME_API");
	struct sigaction sa = {.sa_handler = on_signal};
	struct pollfd pfd[2 + MAX_CONNS];
	sigset_t block, orig;
	size_t i;
	int arg = 1;

	if (arg + 1 < argc && !strcmp(argv[arg], "-s")) {
		sock = argv[arg + 1];
		arg += 2;
	}
	if (arg < argc && !strcmp(argv[arg], "--"))
		arg++;
	if (arg >= argc || (argv[arg][0] == '-' && strcmp(argv[arg - 1], "--")))
		die("usage: torpor-init [-s SOCKET_PATH] [--] PROGRAM [ARGS...]");
	if (!api || !*api)
		api = "127.0.0.1:9001";

	/* Buffers of a few MiB come and go with each invocation; hand them back to the kernel. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_TRIM_THRESHOLD, 256 * 1024);

	/* Handled signals are only let through inside ppoll, so nothing else sees EINTR. */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	for (i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		sigaddset(&block, forwarded[i]);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGCHLD, &sa, NULL);
	for (i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		sigaction(forwarded[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1); /* orphans come to us even when not PID 1 */

	http_listen(api);
	chan_init(sock);
	spawn(argv + arg, &orig);

	for (;;) {
		int tmo = chan_fill(&pfd[0]), n = 1 + http_fill(&pfd[1]);
		struct timespec ts = {tmo / 1000, tmo % 1000 * 1000000L};

		if (ppoll(pfd, n, tmo < 0 ? NULL : &ts, &orig) < 0)
			for (i = 0; i < (size_t)n; i++)
				pfd[i].revents = 0;
		for (i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
			if (got[forwarded[i]]) {
				got[forwarded[i]] = 0;
				kill(child, forwarded[i]);
			}
		if (got[SIGCHLD]) {
			got[SIGCHLD] = 0;
			reap();
		}
		chan_event(pfd[0].revents);
		http_events(&pfd[1]);
	}
}
