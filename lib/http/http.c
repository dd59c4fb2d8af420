/* http: libcurl confined here (the only module that includes curl.h).
 * Touches: the network through libcurl, the CA file. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/http.h"
#include "util/mem.h"
#include "util/str.h"

struct http_sink {
	struct sbuf	 buf;
	int		 too_big;
};

static size_t
http_write(char *p, size_t sz, size_t n, void *arg)
{
	struct http_sink *s = arg;

	if (sbuf_add(&s->buf, p, sz * n) != 0) {
		s->too_big = 1;
		return 0;	/* aborts the transfer */
	}
	return sz * n;
}

void
http_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
http_get(const struct http_req *rq, struct http_resp *out)
{
	struct curl_slist *res = NULL;
	struct http_sink sink;
	struct timespec t0, t1;
	struct sbuf pin;
	char *ct = NULL, *loc = NULL;
	char errbuf[CURL_ERROR_SIZE];
	CURL *c;
	CURLcode rc;
	size_t i;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = curl_easy_init();
	if (c == NULL) {
		str_copy(out->error, "cannot create a curl handle",
		    sizeof(out->error));
		return;
	}
	sbuf_init(&sink.buf, rq->max_body ? rq->max_body : 65536);
	sink.too_big = 0;
	errbuf[0] = '\0';
	if (rq->addrs && rq->naddrs) {
		sbuf_init(&pin, 2048);
		sbuf_addf(&pin, "%s:443:", rq->host);
		for (i = 0; i < rq->naddrs; i++) {
			if (strchr(rq->addrs[i], ':'))
				sbuf_addf(&pin, "%s[%s]", i ? "," : "",
				    rq->addrs[i]);
			else
				sbuf_addf(&pin, "%s%s", i ? "," : "",
				    rq->addrs[i]);
		}
		res = curl_slist_append(NULL, pin.data);
		sbuf_free(&pin);
		curl_easy_setopt(c, CURLOPT_RESOLVE, res);
	}
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (rq->ca_file && *rq->ca_file) {
		/* exactly this bundle decides: no built-in CA directory */
		curl_easy_setopt(c, CURLOPT_CAINFO, rq->ca_file);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	    (long)(rq->timeout_ms ? rq->timeout_ms : 10000));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "echomx-check");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		out->ok = 1;
	} else {
		str_copy(out->error, errbuf[0] ? errbuf :
		    curl_easy_strerror(rc), sizeof(out->error));
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct)
		str_copy(out->content_type, ct, sizeof(out->content_type));
	if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
	    loc)
		str_copy(out->location, loc, sizeof(out->location));
	out->too_big = sink.too_big;
	if (sink.too_big) {
		out->ok = 0;
		str_copy(out->error, "body larger than the limit",
		    sizeof(out->error));
	}
	out->body_len = sink.buf.len;
	sbuf_add(&sink.buf, "", 0);
	out->body = sink.buf.data ? sbuf_take(&sink.buf) : xstrdup("");
	curl_easy_cleanup(c);
	curl_slist_free_all(res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->ms = (t1.tv_sec - t0.tv_sec) * 1000.0 +
	    (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

void
http_resp_clear(struct http_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}
