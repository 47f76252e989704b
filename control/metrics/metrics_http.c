/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP side: libmicrohttpd without threads of its own (external polling: neither an
 * internal polling thread nor a thread per connection), so every callback runs inside
 * MHD_run on the control thread and reads Mp's and the dataplane's control-side state with
 * no lock. MHD_run never waits; a request is answered within a control loop iteration or
 * two (10 ms each).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>
#include <rte_log.h>

#include "metrics_priv.h"
#include "mrfp_log.h"

RTE_LOG_REGISTER(mrfp_logtype_metrics, mrfp.ctl.metrics, INFO);
#define MET_LOG(level, fmt, ...)                                                                   \
	MRFP_LOG(mrfp_logtype_metrics, "METRICS", level, fmt, ##__VA_ARGS__)

#define CT_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define CT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned int status, const char *type, char *body, size_t len,
       enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	enum MHD_Result rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
answer_line(struct MHD_Connection *c, unsigned int status, const char *line)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%s\n", line);
	return answer(c, status, "text/plain; charset=utf-8", buf,
		      n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1, MHD_RESPMEM_MUST_COPY);
}

/* Prometheus asks for OpenMetrics first; anyone else (curl, promtool) gets the text format. */
static enum MHD_Result
serve_metrics(struct mrfp_metrics *m, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
	struct mtext t = {.om = accept != NULL &&
				strstr(accept, "application/openmetrics-text") != NULL};
	char *body = NULL;
	size_t len = 0;
	t.f = open_memstream(&body, &len);
	if (t.f == NULL)
		return answer_line(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	metrics_collect(m, &t);
	if (fclose(t.f) != 0) {
		free(body);
		return answer_line(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	return answer(c, MHD_HTTP_OK, t.om ? CT_OPENMETRICS : CT_TEXT, body, len,
		      MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct mrfp_metrics *m = cls;
	char why[160];
	(void)version;
	(void)upload;
	(void)con_cls;
	if (*upload_size != 0)
		return MHD_NO; /* a GET carries no body */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return answer_line(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only");
	if (strcmp(url, "/metrics") == 0)
		return serve_metrics(m, c);
	if (strcmp(url, "/health") == 0) {
		int rc = metrics_health(m, metrics_now_ms(), why, sizeof(why));
		return answer_line(c, rc == 0 ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, why);
	}
	if (strcmp(url, "/ready") == 0) {
		int rc = metrics_ready(m, why, sizeof(why));
		return answer_line(c, rc == 0 ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, why);
	}
	return answer_line(c, MHD_HTTP_NOT_FOUND, "not found: /metrics, /health, /ready");
}

/* libmicrohttpd's own complaints (a refused connection, a socket error) go to our log. */
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[256];
	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	MET_LOG(WARNING, "http: %s", line);
}

static socklen_t
listen_addr(const struct mrfp_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = a->port;
		s4->sin_addr.s_addr = a->v4;
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = a->port;
	memcpy(&s6->sin6_addr, a->v6, 16);
	return sizeof(*s6);
}

struct mrfp_metrics *
metrics_create(struct mrfp_dp *dp, struct mrfp_mp *mp, const struct mrfp_config *cfg)
{
	struct sockaddr_storage ss;
	char text[64];
	struct mrfp_metrics *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	*m = (struct mrfp_metrics){.dp = dp, .mp = mp, .cfg = cfg, .start_s = (uint64_t)time(NULL)};
	listen_addr(&cfg->metrics_listen, &ss);
	unsigned int flags = MHD_USE_ERROR_LOG | MHD_USE_EPOLL |
			     (cfg->metrics_listen.family == AF_INET6 ? MHD_USE_IPv6 : 0);
	/* the logger first: libmicrohttpd reports option errors with it */
	m->httpd =
		MHD_start_daemon(flags, ntohs(cfg->metrics_listen.port), NULL, NULL, on_request, m,
				 MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
				 (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16u,
				 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (m->httpd == NULL) {
		int e = errno != 0 ? errno : EADDRINUSE;
		free(m);
		errno = e;
		return NULL;
	}
	metrics_live_sample(m, metrics_now_ms());
	MET_LOG(INFO, "metrics on http://%s/metrics (/health, /ready)",
		mrfp_addr_format(&cfg->metrics_listen, text, sizeof(text)));
	return m;
}

void
metrics_poll(struct mrfp_metrics *m)
{
	if (m == NULL)
		return;
	m->loops++;
	metrics_live_sample(m, metrics_now_ms());
	MHD_run(m->httpd);
}

void
metrics_event(struct mrfp_metrics *m, const struct mrfp_event *ev)
{
	if (m != NULL && ev->type < METRICS_EVENT_TYPES)
		m->events[ev->type]++;
}

void
metrics_free(struct mrfp_metrics *m)
{
	if (m == NULL)
		return;
	MHD_stop_daemon(m->httpd);
	free(m);
}
