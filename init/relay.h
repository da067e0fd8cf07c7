/* torpor-init: shared types of the init/relay (see PROTOCOL.md). */
#ifndef TORPOR_RELAY_H
#define TORPOR_RELAY_H

#include <poll.h>
#include <stddef.h>

#define HEAD_MAX (64 * 1024)                   /* HTTP request head, frame head */
#define BODY_MAX (6 * 1024 * 1024 + 64 * 1024) /* Lambda payload limit plus headroom */
#define MAX_CONNS 64                           /* function connections served at once */

struct buf {
	char *p;
	size_t len, cap;
};

int buf_reserve(struct buf *b, size_t n);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_str(struct buf *b, const char *s);
int buf_num(struct buf *b, unsigned long long v);
void buf_free(struct buf *b);
int parse_dec(const char *p, size_t n, unsigned long long *v);
int iequal(const char *p, size_t n, const char *lit);

struct conn;

/* One complete HTTP request of the function, kept as its REQUEST frame until answered. */
struct req {
	struct req *next;
	unsigned long long id;
	struct conn *conn; /* NULL once forgotten while its frame is still being written */
	struct buf head, body;
	int sent; /* fully written on the current channel */
};

struct hdr {
	const char *name, *value;
	size_t nlen, vlen;
};

/* channel.c: the agent side */
void chan_init(const char *path);
int chan_fill(struct pollfd *p);
void chan_event(short revents);
void chan_submit(struct req *r);
void chan_drop(struct req *r);
void chan_exit(int status);
void req_free(struct req *r);
int frame_header(const char **p, const char *end, struct hdr *h);

/* http.c: the function side */
void http_listen(const char *spec);
int http_fill(struct pollfd *p);
void http_events(const struct pollfd *p);
int http_respond_begin(struct req *r, const char *status, const char *reason, size_t rlen,
		       const char *hdrs, size_t hlen, size_t body_len);
void http_respond_body(struct req *r, const char *p, size_t n);
void http_respond_end(struct req *r);
void http_respond_abort(struct req *r);

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
