/* The channel to the agent: framing, detach, reconnect and replay (PROTOCOL.md). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "relay.h"

#define FAST_ATTEMPTS 2000
#define FAST_MS 5
#define SLOW_MS 100

static struct {
	struct sockaddr_un addr;
	int fd;            /* -1 while detached */
	unsigned attempts; /* failed connects since the channel was lost */
	int detaching;     /* DETACHED or EXIT queued: no more requests on this channel */
	char ctl[64];      /* HELLO, DETACHED, EXIT: written between request frames */
	size_t ctl_len, ctl_off;
	struct req *cur; /* request frame being written */
	size_t cur_off;
	char in[HEAD_MAX];
	size_t in_len;
	int rx_body;     /* receiving a frame body ... */
	size_t rx_left;  /* ... of this many more bytes ... */
	struct req *rx;  /* ... answering this request (NULL: discard) */
} ch; /* zero-initialised so the 64 KiB buffer stays in .bss, out of the binary */

static struct req *pending, **pending_tail = &pending; /* unanswered, in arrival order */

void req_free(struct req *r)
{
	buf_free(&r->head);
	buf_free(&r->body);
	free(r);
}

void chan_submit(struct req *r)
{
	r->next = NULL;
	r->sent = 0;
	*pending_tail = r;
	pending_tail = &r->next;
}

/* Forgets a request (answered, or its client is gone). */
void chan_drop(struct req *r)
{
	struct req **pp;

	if (ch.rx == r)
		ch.rx = NULL;
	r->conn = NULL;
	if (ch.cur == r)
		return; /* the frame must be completed first; freed then */
	for (pp = &pending; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	if (!r->next)
		pending_tail = pp;
	req_free(r);
}

static void ctl_add(const char *s)
{
	size_t n = strlen(s);

	if (n <= sizeof ch.ctl - ch.ctl_len) {
		memcpy(ch.ctl + ch.ctl_len, s, n);
		ch.ctl_len += n;
	}
}

static struct req *next_unsent(void)
{
	struct req *r;

	for (r = pending; r; r = r->next)
		if (!r->sent && r->conn)
			return r;
	return NULL;
}

static int want_write(void)
{
	return ch.cur || ch.ctl_off < ch.ctl_len || (!ch.detaching && next_unsent());
}

/* Writes what the socket takes; control frames go only between request frames. */
static int flush(void)
{
	for (;;) {
		struct req *r;
		const char *p;
		size_t n;
		ssize_t w;

		if (!ch.cur && ch.ctl_off == ch.ctl_len && !ch.detaching) {
			ch.cur = next_unsent();
			ch.cur_off = 0;
		}
		r = ch.cur;
		if (r && ch.cur_off < r->head.len) {
			p = r->head.p + ch.cur_off;
			n = r->head.len - ch.cur_off;
		} else if (r) {
			p = r->body.p + (ch.cur_off - r->head.len);
			n = r->head.len + r->body.len - ch.cur_off;
		} else if (ch.ctl_off < ch.ctl_len) {
			p = ch.ctl + ch.ctl_off;
			n = ch.ctl_len - ch.ctl_off;
		} else {
			return 0;
		}
		w = send(ch.fd, p, n, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (!r) {
			ch.ctl_off += w;
			if (ch.ctl_off == ch.ctl_len)
				ch.ctl_off = ch.ctl_len = 0;
		} else if ((ch.cur_off += w) == r->head.len + r->body.len) {
			r->sent = 1;
			ch.cur = NULL;
			if (!r->conn)
				chan_drop(r);
		}
	}
}

static void attach(int fd)
{
	struct req *r;

	ch.fd = fd;
	ch.attempts = 0;
	ch.detaching = 0;
	ch.ctl_len = ch.ctl_off = 0;
	ctl_add("HELLO\nRelay-Version: 1\n\n");
	for (r = pending; r; r = r->next)
		r->sent = 0; /* replay everything unanswered, in order */
}

/* Each failed attempt closes its socket, so nothing half-open is left while frozen. */
static void try_connect(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&ch.addr, sizeof ch.addr) == 0) {
		attach(fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	ch.attempts++;
}

static void lose(void)
{
	struct req *r = ch.cur;

	close(ch.fd);
	ch.fd = -1;
	ch.cur = NULL;
	if (r && !r->conn)
		chan_drop(r);
	if (ch.rx)
		http_respond_abort(ch.rx); /* still pending, so it is asked again */
	ch.rx = NULL;
	ch.rx_body = 0;
	ch.in_len = 0;
	ch.ctl_len = ch.ctl_off = 0;
	ch.detaching = 0;
}

int frame_header(const char **p, const char *end, struct hdr *h)
{
	const char *eol, *colon, *v, *e;

	if (*p == end)
		return 0;
	eol = memchr(*p, '\n', end - *p);
	if (!eol)
		return -1;
	colon = memchr(*p, ':', eol - *p);
	if (!colon || colon == *p)
		return -1;
	for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
		;
	for (e = eol; e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*h = (struct hdr){*p, v, colon - *p, e - v};
	*p = eol + 1;
	return 1;
}

static void frame_done(void)
{
	struct req *r = ch.rx;

	ch.rx = NULL;
	ch.rx_body = 0;
	if (r) {
		http_respond_end(r);
		chan_drop(r);
	}
}

/* RESPONSE <id> <status> <reason...> */
static int response(const char *p, size_t n, const char *hdrs, size_t hlen, size_t len)
{
	const char *sp = memchr(p, ' ', n), *reason;
	unsigned long long id, status;
	struct req *r;

	if (!sp || parse_dec(p, sp - p, &id))
		return -1;
	n -= sp + 1 - p;
	p = sp + 1;
	if (n < 3 || parse_dec(p, 3, &status) || status < 100 || (n > 3 && p[3] != ' '))
		return -1;
	reason = n > 3 ? p + 4 : p + 3;
	for (r = pending; r && (r->id != id || !r->conn); r = r->next)
		;
	if (r && !http_respond_begin(r, p, reason, p + n - reason, hdrs, hlen, len))
		ch.rx = r;
	else if (r)
		chan_drop(r); /* answered locally with 502 */
	return 0;
}

/* Handles one frame head; head[0..n) is the start line and headers, each ending in \n. */
static int frame(const char *head, size_t n)
{
	const char *eol = memchr(head, '\n', n), *hdrs = eol + 1, *p = hdrs;
	size_t slen = eol - head, hlen = head + n - hdrs;
	unsigned long long len = 0;
	struct hdr h;
	int rc;

	while ((rc = frame_header(&p, head + n, &h)) > 0)
		if (iequal(h.name, h.nlen, "content-length") && parse_dec(h.value, h.vlen, &len))
			return -1;
	if (rc < 0 || len > SIZE_MAX)
		return -1;
	ch.rx_body = 1;
	ch.rx_left = len;
	if (slen > 9 && !memcmp(head, "RESPONSE ", 9)) {
		if (response(head + 9, slen - 9, hdrs, hlen, len))
			return -1;
	} else if (slen == 6 && !memcmp(head, "DETACH", 6)) {
		ch.detaching = 1;
		ctl_add("DETACHED\n\n");
	} /* unknown frames are skipped, body and all */
	if (!len)
		frame_done();
	return 0;
}

/* Consumes ch.in; stops at DETACH, after which nothing more is read. */
static int consume(void)
{
	size_t used = 0;
	int rc = 0;

	while (used < ch.in_len && !ch.detaching) {
		char *p = ch.in + used, *end;
		size_t avail = ch.in_len - used;

		if (ch.rx_body) {
			size_t n = avail < ch.rx_left ? avail : ch.rx_left;

			if (ch.rx)
				http_respond_body(ch.rx, p, n);
			used += n;
			if (!(ch.rx_left -= n))
				frame_done();
			continue;
		}
		end = memmem(p, avail, "\n\n", 2);
		if (!end)
			break;
		used += end + 2 - p;
		if ((rc = frame(p, end + 1 - p)))
			break;
	}
	if (ch.detaching)
		used = ch.in_len; /* nothing may follow DETACH */
	memmove(ch.in, ch.in + used, ch.in_len - used);
	ch.in_len -= used;
	return rc || ch.in_len == sizeof ch.in ? -1 : 0;
}

static int receive(void)
{
	ssize_t n = read(ch.fd, ch.in + ch.in_len, sizeof ch.in - ch.in_len);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	ch.in_len += n;
	return consume();
}

void chan_init(const char *path)
{
	ch.fd = -1;
	ch.addr.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof ch.addr.sun_path)
		die("socket path too long: %s", path);
	strcpy(ch.addr.sun_path, path);
	try_connect();
}

/* Returns the poll timeout: the retry interval while detached, none while attached. */
int chan_fill(struct pollfd *p)
{
	p->fd = ch.fd;
	p->events = (ch.detaching ? 0 : POLLIN) | (want_write() ? POLLOUT : 0);
	p->revents = 0;
	if (ch.fd >= 0)
		return -1;
	return ch.attempts < FAST_ATTEMPTS ? FAST_MS : SLOW_MS;
}

/*
 * While detached every wakeup is an attempt: idle, that is one per interval; busy, attempts
 * only come sooner. Counting them instead of reading the clock survives a checkpoint.
 */
void chan_event(short rev)
{
	if (ch.fd < 0) {
		try_connect();
		return;
	}
	if ((rev & POLLIN && receive()) || (rev & POLLOUT && flush()) ||
	    (rev & (POLLHUP | POLLERR) && !(rev & POLLIN)) || (ch.detaching && !want_write()))
		lose();
}

/* Best effort: EXIT goes out if the channel is up and takes it within a second per write. */
void chan_exit(int status)
{
	char s[32];

	if (ch.fd < 0 || ch.detaching)
		return;
	snprintf(s, sizeof s, "EXIT %d\n\n", status);
	ch.detaching = 1;
	ctl_add(s);
	while (want_write()) {
		struct pollfd p = {ch.fd, POLLOUT, 0};

		if (poll(&p, 1, 1000) <= 0 || flush())
			break;
	}
}
