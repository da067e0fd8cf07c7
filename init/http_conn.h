/* What the HTTP side's two halves share: a client connection, read by http_parse.c, served by http.c. */
#ifndef TORPOR_HTTP_CONN_H
#define TORPOR_HTTP_CONN_H

#include "relay.h"

enum rd {
	RD_HEAD,
	RD_BODY,       /* Content-Length body */
	RD_CHUNK_SIZE, /* chunked body ... */
	RD_CHUNK_DATA,
	RD_CHUNK_END,
	RD_TRAILER,
	RD_WAIT,  /* request handed to the channel, waiting for its response */
	RD_DRAIN, /* closing: send what is queued, then discard input until the client closes */
};

struct conn {
	int fd, slot;
	enum rd rd;
	int keep_alive;
	int shut;        /* write side shut down (RD_DRAIN) */
	struct req *req; /* being read, or in flight (RD_WAIT) */
	size_t left;     /* body or chunk bytes still to read */
	struct buf out;  /* bytes past `ready` belong to a response still arriving */
	size_t out_off, ready;
	size_t in_len;
	char in[HEAD_MAX]; /* last: left untouched (and not resident) until used */
};

/* Parses what has been read, up to one complete request (http_parse.c). */
void conn_parse(struct conn *c);
/* Answers `status` locally and closes: the request, if any, never reaches the agent. */
void conn_fail(struct conn *c, int status);
/* Queues bytes of a response that is ready to go (an interim 100 Continue, say). */
void conn_out_add(struct conn *c, const char *s);
/* Hands a complete request to the channel. */
void conn_submit(struct conn *c);

#endif
