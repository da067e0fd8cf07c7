/* libFuzzer target: the HTTP request parser, fed the way connections feed it (http.c's real conn_fail,
 * conn_submit and responses; the agent side stubbed). The first input byte sets the size of each read, so
 * requests arrive cut at every place a socket may cut them. Every request that reaches the agent is answered at
 * once, so pipelined requests are parsed too. Built and run by `make fuzz-short` / `make fuzz-long`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../http_conn.h"

static struct req *submitted;

void chan_submit(struct req *r)
{
	submitted = r;
}

void chan_drop(struct req *r)
{
	req_free(r);
}

void req_free(struct req *r)
{
	buf_free(&r->head);
	buf_free(&r->body);
	free(r);
}

int frame_header(const char **p, const char *end, struct hdr *h)
{
	(void)p, (void)end, (void)h;
	return 0;
}

void die(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

/* What the agent may rely on in a REQUEST frame: a head ending in an empty line, a bounded body. */
static void answer(void)
{
	while (submitted) {
		struct req *r = submitted;

		submitted = NULL;
		if (r->head.len < 2 || memcmp(r->head.p + r->head.len - 2, "\n\n", 2) || r->body.len > BODY_MAX)
			abort();
		if (http_respond_begin(r, "200", "OK", 2, "", 0, 0) == 0)
			http_respond_end(r); /* parses what was pipelined behind it, which may submit again */
		req_free(r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn *c;
	size_t step, n;

	if (!size)
		return 0;
	step = data[0] ? data[0] : sizeof c->in;
	data++, size--;
	if (!(c = calloc(1, sizeof *c)))
		return 0;
	c->fd = -1;
	while (size && c->rd != RD_DRAIN) {
		n = sizeof c->in - c->in_len;
		if (!n)
			abort(); /* a full buffer must have been refused: the relay would stop reading for good */
		n = n < step ? n : step;
		n = n < size ? n : size;
		memcpy(c->in + c->in_len, data, n);
		c->in_len += n;
		data += n, size -= n;
		conn_parse(c);
		answer();
	}
	if (c->req)
		req_free(c->req);
	buf_free(&c->out);
	free(c);
	return 0;
}
