/* http: libcurl confined here (the only module that includes curl.h).
 * Touches: the network through libcurl, the CA file. */
#include <arpa/inet.h>
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

int
http_url_host(const char *url, int plain_http, char *host, size_t hostsz,
    int *port)
{
	unsigned char bin[16];
	char *h = NULL, *pt = NULL, *sch = NULL, *user = NULL;
	CURLU *u;
	long n;
	int rc = -1;

	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &sch, 0) != CURLUE_OK ||
	    strcmp(sch, plain_http ? "http" : "https") != 0 ||
	    curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &pt, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK || str_to_int(pt, 1, 65535, &n) != 0)
		goto out;
	if (h[0] == '[' || inet_pton(AF_INET, h, bin) == 1 ||
	    inet_pton(AF_INET6, h, bin) == 1)
		goto out;	/* an address literal */
	if (str_copy(host, h, hostsz) >= hostsz)
		goto out;
	*port = (int)n;
	rc = 0;
out:
	curl_free(h);
	curl_free(pt);
	curl_free(sch);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

void
http_get(const struct http_req *rq, struct http_resp *out)
{
	struct curl_slist *hdrs = NULL;
	char uhost[256];
	int uport = 443;
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
	if (http_url_host(rq->url, rq->plain_http, uhost, sizeof(uhost),
	    &uport) != 0) {
		if (rq->plain_http) {
			str_copy(out->error, "not an http:// URL with a host "
			    "name", sizeof(out->error));
			goto done;
		}
		uport = 443;	/* curl itself will refuse a bad URL */
	}
	if (rq->plain_http && (rq->addrs == NULL || rq->naddrs == 0)) {
		str_copy(out->error, "no resolved address to connect to",
		    sizeof(out->error));
		goto done;
	}
	if (rq->addrs && rq->naddrs) {
		sbuf_init(&pin, 2048);
		sbuf_addf(&pin, "%s:%d:", rq->host, uport);
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
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
	    rq->plain_http ? "http" : "https");
	if (rq->post != NULL) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)rq->post_len);
		if (rq->post_type != NULL) {
			struct sbuf ctb;

			sbuf_init(&ctb, 256);
			sbuf_addf(&ctb, "Content-Type: %s", rq->post_type);
			hdrs = curl_slist_append(NULL, ctb.data ? ctb.data :
			    "Content-Type: application/octet-stream");
			sbuf_free(&ctb);
		}
		/* no "Expect: 100-continue" round trip */
		hdrs = curl_slist_append(hdrs, "Expect:");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	}
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
done:
	out->body_len = sink.buf.len;
	sbuf_add(&sink.buf, "", 0);
	out->body = sink.buf.data ? sbuf_take(&sink.buf) : xstrdup("");
	curl_easy_cleanup(c);
	curl_slist_free_all(res);
	curl_slist_free_all(hdrs);
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
